import { describe, expect, it } from 'vitest'
import { resolve } from 'node:path'
import { defaultHome, homeLayout, resolveHome } from './paths'

describe('studio home', () => {
  it('follows each platform convention', () => {
    expect(defaultHome('linux', {}, '/home/ada')).toBe('/home/ada/.local/share/rnn-studio')
    expect(defaultHome('linux', { XDG_DATA_HOME: '/data' }, '/home/ada')).toBe('/data/rnn-studio')
    expect(defaultHome('darwin', {}, '/Users/ada')).toBe(
      '/Users/ada/Library/Application Support/RNN Studio'
    )
    expect(defaultHome('win32', { APPDATA: '/roaming' }, '/u')).toContain('RNN Studio')
  })

  it('prefers --home, then RNN_STUDIO_HOME', () => {
    expect(resolveHome('rel/dir', { RNN_STUDIO_HOME: '/env' })).toBe(resolve('rel/dir'))
    expect(resolveHome(undefined, { RNN_STUDIO_HOME: '/env' })).toBe('/env')
  })

  it('keeps the database inside the home', () => {
    expect(homeLayout('/h').database).toBe('/h/studio.db')
  })
})
