import { describe, expect, it } from 'vitest'
import {
  CONTENT_SECURITY_POLICY,
  hardenContents,
  hardenSession,
  isTrustedSender,
  SECURE_WEB_PREFERENCES
} from './security'

const APP = 'file:///app/out/renderer/index.html'
const isAppUrl = (url: string): boolean => url === APP

describe('Electron hardening', () => {
  it('turns on isolation and the sandbox, and off node integration', () => {
    expect(SECURE_WEB_PREFERENCES).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true
    })
  })

  it('sends a strict CSP with every response and denies every permission', () => {
    let headerHook: ((d: unknown, cb: (r: unknown) => void) => void) | undefined
    let permissionHook: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined
    const session = {
      webRequest: { onHeadersReceived: (fn: typeof headerHook) => (headerHook = fn) },
      setPermissionRequestHandler: (fn: typeof permissionHook) => (permissionHook = fn)
    }
    hardenSession(session as never)
    let response: { responseHeaders: Record<string, string[]> } | undefined
    headerHook!({ responseHeaders: { a: ['b'] } }, (r) => (response = r as typeof response))
    expect(response!.responseHeaders['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY])
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval')
    let granted: boolean | undefined
    permissionHook!({}, 'media', (ok) => (granted = ok))
    expect(granted).toBe(false)
  })

  it('blocks navigation away from the app and every new window', () => {
    const listeners = new Map<string, (e: { preventDefault(): void }, url?: string) => void>()
    let openHandler: (() => { action: string }) | undefined
    const contents = {
      on: (name: string, fn: (e: { preventDefault(): void }, url?: string) => void) =>
        listeners.set(name, fn),
      setWindowOpenHandler: (fn: () => { action: string }) => (openHandler = fn)
    }
    hardenContents(contents as never, isAppUrl)
    const navigate = (url: string): boolean => {
      let prevented = false
      listeners.get('will-navigate')!({ preventDefault: () => (prevented = true) }, url)
      return prevented
    }
    expect(navigate('https://evil.example/')).toBe(true)
    expect(navigate(APP)).toBe(false)
    expect(openHandler!()).toEqual({ action: 'deny' })
  })

  it('trusts only the top frame of our own window showing our page', () => {
    const trusted = new Set([1])
    const call = (id: number, url: string, parent: unknown = null): boolean =>
      isTrustedSender({ sender: { id }, senderFrame: { url, parent } } as never, trusted, isAppUrl)
    expect(call(1, APP)).toBe(true)
    expect(call(2, APP)).toBe(false)
    expect(call(1, 'https://evil.example/')).toBe(false)
    expect(call(1, APP, {})).toBe(false)
  })
})
