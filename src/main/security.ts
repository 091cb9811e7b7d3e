/**
 * Electron hardening, kept apart from window creation so it can be tested with a mocked electron:
 * a strict CSP on every response, no navigation away from the app, no new windows, no permissions,
 * and IPC accepted only from our own window's top frame.
 */
import type { IpcMainInvokeEvent, Session, WebContents } from 'electron'

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'"
].join('; ')

export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false
} as const

/** Adds the CSP header to every response and refuses every permission request. */
export function hardenSession(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY]
      }
    })
  })
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
}

/** Blocks navigation to anything but the app's own page, and every window.open. */
export function hardenContents(contents: WebContents, isAppUrl: (url: string) => boolean): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault()
  })
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

/** True when an IPC call comes from the top frame of one of our windows, showing our own page. */
export function isTrustedSender(
  event: Pick<IpcMainInvokeEvent, 'senderFrame' | 'sender'>,
  trustedContents: ReadonlySet<number>,
  isAppUrl: (url: string) => boolean
): boolean {
  const frame = event.senderFrame
  if (!frame || frame.parent !== null) return false
  if (!trustedContents.has(event.sender.id)) return false
  return isAppUrl(frame.url)
}
