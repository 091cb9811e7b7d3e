/**
 * The checks every browser-mode request passes before anything else runs: which Host and Origin
 * are ours, the token comparison, and the headers every response carries. Kept apart from the
 * server so each rule reads on its own.
 */
import { createHash, timingSafeEqual } from 'node:crypto'

/** The only address the server listens on: browser mode is for this machine alone. */
export const LOOPBACK_HOST = '127.0.0.1'

/** Names this server answers to; `localhost` too because that is what people type. */
const HOST_NAMES = [LOOPBACK_HOST, 'localhost'] as const

/**
 * True when `host` (the Host header) names this server: `127.0.0.1:PORT` or `localhost:PORT`.
 * Anything else is refused so that a web page on a rebound DNS name (evil.example → 127.0.0.1)
 * cannot talk to the studio as if it were same-origin.
 */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false
  const lower = host.toLowerCase()
  return HOST_NAMES.some((name) => lower === `${name}:${port}`)
}

/**
 * True when `origin` (the Origin header) is this server's own page. Browsers always send Origin
 * on WebSocket handshakes, so a page from any other site (or `null` from a sandboxed frame or a
 * file:// page) is refused even if it somehow learned the token.
 */
export function isAllowedOrigin(origin: string, port: number): boolean {
  return HOST_NAMES.some((name) => origin.toLowerCase() === `http://${name}:${port}`)
}

/**
 * Compares a presented token with the real one in constant time. Both are hashed first so the
 * buffers given to `timingSafeEqual` always have equal length and the comparison leaks neither
 * the matching prefix nor the token's length.
 */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest()
  const b = createHash('sha256').update(expected, 'utf8').digest()
  return timingSafeEqual(a, b)
}

/**
 * Headers on every HTTP response. The CSP allows only this server's scripts and its own
 * WebSocket; `no-referrer` keeps the `?token=` in the page URL from leaking to any link target.
 */
export function securityHeaders(port: number): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    // Svelte and chart.js set inline style attributes; inline <script> stays forbidden.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ws://${LOOPBACK_HOST}:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'"
  ].join('; ')
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // For browsers that predate frame-ancestors.
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin'
  }
}
