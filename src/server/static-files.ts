/**
 * Maps a request path to a file inside the built renderer, refusing everything that could reach
 * outside it. The rule is "decode, resolve, then check the result is inside the root": string
 * filters on the raw URL miss encodings (`%2e%2e%2f`, `..%5c`), the resolved path cannot.
 */
import { realpath, stat } from 'node:fs/promises'
import path from 'node:path'

/** Content types for what a Vite build emits; anything else is served as opaque bytes. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8'
}

/** The Content-Type for a file name, by extension (case-insensitive). */
export function contentTypeFor(fileName: string): string {
  return CONTENT_TYPES[path.extname(fileName).toLowerCase()] ?? 'application/octet-stream'
}

/** What a request path maps to. */
export type StaticLookup =
  | { kind: 'file'; filePath: string; size: number; contentType: string }
  /** The path is malformed (bad percent-encoding, NUL, backslash, not origin-form). */
  | { kind: 'bad-request' }
  /** Missing, a directory, or outside the root: all look the same to the client. */
  | { kind: 'not-found' }

/** True when `target` is strictly inside `root` (both absolute, already resolved). */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target)
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel)
}

/**
 * Finds the file a request target names under `root`.
 *
 * @param root the static folder, already passed through `realpath`
 * @param requestTarget the raw `req.url` (origin-form: `/path?query`)
 */
export async function resolveStaticFile(
  root: string,
  requestTarget: string
): Promise<StaticLookup> {
  if (!requestTarget.startsWith('/')) return { kind: 'bad-request' }
  const rawPath = requestTarget.split(/[?#]/, 1)[0]
  // A backslash is a separator on Windows; no file we build has one, so refuse it in any form.
  if (rawPath.includes('\\')) return { kind: 'bad-request' }

  let decoded: string
  try {
    decoded = decodeURIComponent(rawPath)
  } catch {
    return { kind: 'bad-request' }
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'bad-request' }
  if (decoded === '/') decoded = '/index.html'

  // '.' + decoded keeps even '//etc/passwd' relative to the root; the check below is what guards.
  const target = path.resolve(root, `.${decoded}`)
  if (!isInside(root, target)) return { kind: 'not-found' }

  try {
    // realpath follows symlinks, so a link inside the build pointing outside it is refused too.
    const real = await realpath(target)
    if (!isInside(root, real)) return { kind: 'not-found' }
    const info = await stat(real)
    // Directories are never listed and never mapped to an index file (only `/` is).
    if (!info.isFile()) return { kind: 'not-found' }
    return { kind: 'file', filePath: real, size: info.size, contentType: contentTypeFor(real) }
  } catch {
    return { kind: 'not-found' }
  }
}
