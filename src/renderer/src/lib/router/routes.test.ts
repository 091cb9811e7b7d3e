import { describe, expect, it } from 'vitest'
import type { RunId } from '../../../../shared/domain/ids'
import { parseHash, routeHref, type Route } from './routes'

const id = (n: number) => n as RunId

describe('hash routes', () => {
  it('reads every place, with home for an empty hash', () => {
    expect(parseHash('')).toEqual({ name: 'home' })
    expect(parseHash('#/')).toEqual({ name: 'home' })
    expect(parseHash('#/new')).toEqual({ name: 'new', from: null })
    expect(parseHash('#/new?from=7')).toEqual({ name: 'new', from: 7 })
    expect(parseHash('#/runs')).toEqual({ name: 'runs' })
    expect(parseHash('#/runs/12')).toEqual({ name: 'run', runId: 12, tab: 'training' })
    expect(parseHash('#/runs/12/insight')).toEqual({ name: 'run', runId: 12, tab: 'insight' })
  })

  it('refuses ids and tabs that do not exist', () => {
    for (const hash of ['#/runs/0', '#/runs/-1', '#/runs/1.5', '#/runs/12/nope', '#/what']) {
      expect(parseHash(hash).name).toBe('not-found')
    }
    expect(parseHash('#/new?from=abc')).toEqual({ name: 'new', from: null })
  })

  it('writes hrefs that read back as the same route', () => {
    const routes: Route[] = [
      { name: 'home' },
      { name: 'new', from: null },
      { name: 'new', from: id(3) },
      { name: 'runs' },
      { name: 'run', runId: id(12), tab: 'training' },
      { name: 'run', runId: id(12), tab: 'playground' }
    ]
    for (const route of routes) expect(parseHash(routeHref(route))).toEqual(route)
    expect(routeHref({ name: 'run', runId: id(12), tab: 'training' })).toBe('#/runs/12')
  })
})
