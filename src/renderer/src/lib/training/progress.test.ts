import { describe, expect, it } from 'vitest'
import { controlsFor, runProgress } from './progress'

describe('controlsFor', () => {
  it('enables what the backend accepts in each state', () => {
    expect(controlsFor('running')).toEqual({ pause: true, resume: false, stop: true })
    expect(controlsFor('paused')).toEqual({ pause: false, resume: true, stop: true })
    expect(controlsFor('queued')).toEqual({ pause: false, resume: false, stop: true })
    expect(controlsFor('interrupted')).toEqual({ pause: false, resume: true, stop: false })
    expect(controlsFor('completed')).toEqual({ pause: false, resume: false, stop: false })
  })
})

describe('runProgress', () => {
  it('estimates the time left from the speed: 1,500 steps at 50 steps/s is 30 s', () => {
    expect(runProgress('running', 500, 2000, 50)).toEqual({
      step: 500,
      maxSteps: 2000,
      fraction: 0.25,
      etaMs: 30_000
    })
  })

  it('has no ETA while paused or before the speed is known', () => {
    expect(runProgress('paused', 500, 2000, 50).etaMs).toBeNull()
    expect(runProgress('running', 0, 2000, null).etaMs).toBeNull()
  })
})
