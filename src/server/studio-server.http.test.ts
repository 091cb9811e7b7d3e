import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StudioEventBus } from '../backend/event-bus'
import { startStudioServer, type StudioServer } from './studio-server'
import {
  APP_JS,
  createFakeService,
  createStaticFixture,
  INDEX_HTML,
  rawGet,
  rawRequest,
  SECRET_FILE_TEXT,
  type StaticFixture
} from './test-support'
import { connectStudio } from './ws-client'

// One server for the whole file: every test here is a read-only request against it.
let fixture: StaticFixture
let server: StudioServer
let base: string
beforeAll(async () => {
  fixture = await createStaticFixture()
  server = await startStudioServer({
    service: createFakeService().service,
    events: new StudioEventBus(),
    staticDir: fixture.staticDir,
    log: () => {}
  })
  base = server.origin
})
afterAll(async () => {
  await server?.close()
  await fixture?.remove()
})

function expectedCsp(port: number): string {
  return (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
    "img-src 'self' data: blob:; " +
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; ` +
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
  )
}

function expectSecurityHeaders(headers: Headers | Record<string, string>): void {
  const get = (name: string) =>
    headers instanceof Headers ? headers.get(name) : (headers[name.toLowerCase()] ?? null)
  expect(get('content-security-policy')).toBe(expectedCsp(server.port))
  expect(get('x-content-type-options')).toBe('nosniff')
  expect(get('referrer-policy')).toBe('no-referrer')
}

/** A normal page load still works: the check after every refused request. */
async function expectStillServing(): Promise<void> {
  const res = await fetch(`${base}/assets/app.js`)
  expect(res.status).toBe(200)
  expect(await res.text()).toBe(APP_JS)
}

describe('static files', () => {
  it('serves index.html for / with the security headers and no-store', async () => {
    const res = await fetch(server.url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expectSecurityHeaders(res.headers)
    expect(await res.text()).toBe(INDEX_HTML)

    const direct = await fetch(`${base}/index.html`)
    expect(direct.headers.get('cache-control')).toBe('no-store')
    expect(await direct.text()).toBe(INDEX_HTML)
  })

  it('sends the right content type for each kind of build output', async () => {
    const expected: Record<string, string> = {
      'app.js': 'text/javascript; charset=utf-8',
      'style.css': 'text/css; charset=utf-8',
      'icon.svg': 'image/svg+xml',
      'pixel.png': 'image/png',
      'font.woff2': 'font/woff2',
      'data.json': 'application/json; charset=utf-8',
      'mod.wasm': 'application/wasm'
    }
    for (const [file, type] of Object.entries(expected)) {
      const res = await fetch(`${base}/assets/${file}`)
      expect(res.status, file).toBe(200)
      expect(res.headers.get('content-type'), file).toBe(type)
      expectSecurityHeaders(res.headers)
      await res.arrayBuffer()
    }
    const png = await fetch(`${base}/assets/pixel.png`)
    expect(new Uint8Array(await png.arrayBuffer())).toEqual(
      new Uint8Array([0x89, 0x50, 0x4e, 0x47])
    )
  })

  it('answers HEAD with headers only', async () => {
    const res = await fetch(`${base}/assets/app.js`, { method: 'HEAD' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(APP_JS)))
    expect(await res.text()).toBe('')
  })

  it('answers 405 to methods other than GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = await fetch(`${base}/index.html`, { method })
      expect(res.status, method).toBe(405)
      expect(res.headers.get('allow')).toBe('GET, HEAD')
      expectSecurityHeaders(res.headers)
      await res.text()
    }
    await expectStillServing()
  })

  it('answers 404 for missing files and directories, with no listing and no paths', async () => {
    for (const target of ['/missing.js', '/assets', '/assets/', '/assets/missing.png']) {
      const res = await fetch(`${base}${target}`)
      expect(res.status, target).toBe(404)
      expectSecurityHeaders(res.headers)
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(await res.text()).toBe('Not Found\n')
    }
    await expectStillServing()
  })

  it('refuses every path-traversal encoding, then still serves', async () => {
    const attempts = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/%2E%2E%2Fsecret.txt',
      '/..%2fsecret.txt',
      '/.%2e/secret.txt',
      '/%252e%252e%252fsecret.txt', // double-encoded: decoded once it is a (missing) file name
      '/..\\secret.txt',
      '/..%5csecret.txt',
      '/..%5Csecret.txt',
      '/%5c..%5csecret.txt',
      '/../static-evil/leak.txt', // a sibling whose name starts with the root's
      '/%2e%2e/static-evil/leak.txt',
      '//etc/passwd',
      '/%2fetc%2fpasswd',
      '/etc/passwd',
      `/${encodeURIComponent(fixture.root)}/secret.txt`,
      `/..${encodeURIComponent(fixture.root)}/secret.txt`,
      '/index.html%00.js',
      '/%00',
      '/%c0%ae%c0%ae/secret.txt', // overlong UTF-8 dots: malformed, not '..'
      '/%', // bad escape
      '/assets/link.txt', // a symlink inside the build pointing at the secret
      'http://127.0.0.1/../secret.txt', // absolute-form request target
      '*'
    ]
    for (const target of attempts) {
      const res = await rawGet(server.port, target)
      expect([400, 404], target).toContain(res.status)
      expect(res.body, target).not.toContain(SECRET_FILE_TEXT)
      expect(res.body, target).not.toContain('root:')
      expectSecurityHeaders(res.headers)
    }
    await expectStillServing()
  })

  it('answers 400 to NUL bytes, backslashes and malformed escapes rather than looking them up', async () => {
    for (const target of [
      '/index.html%00.js',
      '/index.html%00',
      '/..%5csecret.txt',
      '/assets%5capp.js',
      '/assets\\app.js',
      '/%E0%A4%A',
      '/%c0%ae%c0%ae/secret.txt'
    ]) {
      const res = await rawGet(server.port, target)
      expect(res.status, target).toBe(400)
      expect(res.body).toBe('Bad Request\n')
    }
    await expectStillServing()
  })

  it('refuses a raw NUL byte in the request line with a headed 400', async () => {
    const res = await rawRequest(
      server.port,
      `GET /index.html\0.js HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: close`
    )
    expect(res.status).toBe(400)
    expect(res.body).toBe('Bad Request\n')
    expectSecurityHeaders(res.headers)
    await expectStillServing()
  })
})

describe('Host header (DNS rebinding)', () => {
  it('refuses requests whose Host is not this server, then still serves', async () => {
    const hosts = [
      'evil.example',
      `evil.example:${server.port}`,
      '127.0.0.1',
      `127.0.0.1:${server.port + 1}`,
      `0.0.0.0:${server.port}`,
      `[::1]:${server.port}`,
      `localhost.evil.example:${server.port}`
    ]
    for (const host of hosts) {
      const res = await rawGet(server.port, '/', host)
      expect(res.status, host).toBe(421)
      expect(res.body).not.toContain('<title>')
      expectSecurityHeaders(res.headers)
    }
    // HTTP/1.0 may omit Host entirely; that is refused too.
    const noHost = await rawRequest(server.port, 'GET / HTTP/1.0')
    expect(noHost.status).toBe(421)
    await expectStillServing()
  })

  it('accepts both names of this server', async () => {
    for (const host of [
      `127.0.0.1:${server.port}`,
      `localhost:${server.port}`,
      `LOCALHOST:${server.port}`
    ]) {
      const res = await rawGet(server.port, '/', host)
      expect(res.status, host).toBe(200)
      expect(res.body).toBe(INDEX_HTML)
    }
  })
})

describe('API-only mode', () => {
  it('serves no files when staticDir is null but still answers the API', async () => {
    const apiOnly = await startStudioServer({
      service: createFakeService().service,
      events: new StudioEventBus(),
      staticDir: null,
      log: () => {}
    })
    try {
      const res = await fetch(apiOnly.url)
      expect(res.status).toBe(404)
      await res.text()
      const client = await connectStudio(apiOnly.url, apiOnly.token)
      await expect(client.api.listDatasets({})).resolves.toHaveLength(1)
      await client.close()
    } finally {
      await apiOnly.close()
    }
  })
})
