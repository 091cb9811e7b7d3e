import { describe, expect, it } from 'vitest'
import { decodeText, detectLineEndings, normaliseNewlines } from './decode'
import { dataErrorOf, utf8 } from './test-helpers'

/** Deterministic "random" bytes (a 32-bit LCG), so a failure can be replayed. */
function pseudoRandomBytes(length: number, seed = 42): Uint8Array {
  const bytes = new Uint8Array(length)
  let state = seed
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    bytes[i] = state >>> 24
  }
  return bytes
}

function withPrefix(prefix: number[], rest = 'some more bytes that follow the header'): Uint8Array {
  return new Uint8Array([...prefix, ...utf8(rest)])
}

describe('decodeText', () => {
  it('decodes UTF-8 with non-ASCII and astral characters and keeps CRLF', () => {
    expect(decodeText(utf8('café, 日本, 😀\r\nnext'), 'a.txt')).toBe('café, 日本, 😀\r\nnext')
  })

  it('strips a UTF-8 BOM', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('a,b')]), 'a.csv')).toBe('a,b')
  })

  it('refuses a 0-byte file and a file holding only a BOM', () => {
    const empty = dataErrorOf(() => decodeText(new Uint8Array(0), 'empty.txt'))
    expect(empty.code).toBe('EMPTY')
    expect(empty.message).toMatch(/^empty\.txt is empty: .*pick a file with data/)
    expect(dataErrorOf(() => decodeText(new Uint8Array([0xef, 0xbb, 0xbf]), 'b.txt')).code).toBe(
      'EMPTY'
    )
  })

  it.each([
    ['PNG', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
    ['ZIP', [0x50, 0x4b, 0x03, 0x04]],
    ['PDF', [0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x34]],
    ['GZIP', [0x1f, 0x8b, 0x08]],
    ['JPEG', [0xff, 0xd8, 0xff, 0xe0]]
  ])('refuses %s bytes as BINARY, naming the type', (type, magic) => {
    const err = dataErrorOf(() => decodeText(withPrefix(magic), 'data.txt'))
    expect(err.code).toBe('BINARY')
    expect(err.message).toContain(type)
    expect(err.message).toMatch(/UTF-8 \.txt or \.csv/)
  })

  it('refuses random bytes as BINARY (NUL bytes)', () => {
    const err = dataErrorOf(() => decodeText(pseudoRandomBytes(4096), 'noise.bin'))
    expect(err.code).toBe('BINARY')
    expect(err.message).toContain('NUL')
  })

  it('refuses random bytes without any NUL as BINARY (control bytes)', () => {
    const bytes = pseudoRandomBytes(4096).map((b) => (b === 0 ? 1 : b))
    expect(dataErrorOf(() => decodeText(bytes, 'noise.bin')).code).toBe('BINARY')
  })

  it('refuses a text file with a NUL byte inside', () => {
    const bytes = utf8('hello\0world, this is mostly text\n')
    expect(dataErrorOf(() => decodeText(bytes, 'a.txt')).code).toBe('BINARY')
  })

  it('refuses UTF-16LE with a BOM, asking to save it as UTF-8', () => {
    const bytes = new Uint8Array([
      0xff,
      0xfe,
      ...Buffer.from('Date,Temp\r\n1981-01-01,20.7', 'utf16le')
    ])
    const err = dataErrorOf(() => decodeText(bytes, 'temps.csv'))
    expect(err.code).toBe('ENCODING')
    expect(err.message).toMatch(/UTF-16.*save it as UTF-8/)
  })

  it('refuses UTF-16BE with a BOM and UTF-16LE without one', () => {
    const be = new Uint8Array([0xfe, 0xff, 0x00, 0x41, 0x00, 0x42])
    expect(dataErrorOf(() => decodeText(be, 'a.txt')).code).toBe('ENCODING')
    const le = new Uint8Array(Buffer.from('no byte-order mark here, just text\n', 'utf16le'))
    const err = dataErrorOf(() => decodeText(le, 'b.txt'))
    expect(err.code).toBe('ENCODING')
    expect(err.message).toContain('every other byte is zero')
  })

  it('refuses Latin-1 bytes, naming the byte and the line', () => {
    const lone = dataErrorOf(() => decodeText(new Uint8Array([0xe9]), 'e.txt'))
    expect(lone.code).toBe('ENCODING')
    expect(lone.message).toContain('this looks like Latin-1/Windows-1252 text; re-save as UTF-8')
    const latin1 = new Uint8Array([...utf8('name\ncaf'), 0xe9, ...utf8('\n')])
    expect(dataErrorOf(() => decodeText(latin1, 'menu.txt')).message).toContain(
      'byte 0xE9 on line 2'
    )
  })

  it('refuses malformed UTF-8 such as an encoded surrogate', () => {
    const err = dataErrorOf(() => decodeText(new Uint8Array([0x61, 0xed, 0xa0, 0x80]), 's.txt'))
    expect(err.code).toBe('ENCODING')
    expect(err.message).toContain('byte 0xED on line 1')
  })
})

describe('normaliseNewlines', () => {
  it('turns CRLF and lone CR into LF but leaves U+0085 and U+2028 alone', () => {
    expect(normaliseNewlines('a\r\nb\rc\nd\u0085e\u2028f')).toBe('a\nb\nc\nd\u0085e\u2028f')
  })
})

describe('detectLineEndings', () => {
  it.each([
    ['a\nb\n', 'lf'],
    ['a\r\nb', 'crlf'],
    ['a\r\nb\nc', 'mixed'],
    ['a\rb\r', 'mixed'],
    ['one line', 'none']
  ] as const)('%j → %s', (text, expected) => {
    expect(detectLineEndings(text)).toBe(expected)
  })
})
