/**
 * A minimal protocol-buffers writer, enough to serialise ONNX (onnx.proto is proto2): varints,
 * fixed32 floats and length-delimited fields (strings, bytes, nested messages). Written here so
 * the ONNX export needs no protobuf dependency; the wire format is small and stable
 * (https://protobuf.dev/programming-guides/encoding/).
 *
 * Repeated scalars are written unpacked, one tag per value: proto2's default and what the `onnx`
 * Python package writes, and every protobuf parser must accept it.
 */

/** Wire types of the fields this writer emits. */
const VARINT = 0
const LENGTH_DELIMITED = 2
const FIXED32 = 5

const encoder = new TextEncoder()

/**
 * Appends fields to a growing list of chunks; `finish()` joins them. Nested messages are written
 * into their own writer first, because their length prefix must come before their bytes.
 */
export class ProtoWriter {
  readonly #chunks: Uint8Array[] = []
  #length = 0

  /** Bytes written so far. */
  get length(): number {
    return this.#length
  }

  #push(bytes: Uint8Array): void {
    this.#chunks.push(bytes)
    this.#length += bytes.length
  }

  #tag(field: number, wireType: number): void {
    this.#push(varintBytes(BigInt(field * 8 + wireType)))
  }

  /**
   * An int32/int64/enum/bool field. Negative values take ten bytes (two's complement over 64
   * bits), as protobuf's int64 does.
   */
  int(field: number, value: number | bigint): this {
    this.#tag(field, VARINT)
    this.#push(varintBytes(BigInt.asUintN(64, BigInt(value))))
    return this
  }

  /** One tag per value (unpacked). */
  ints(field: number, values: readonly (number | bigint)[]): this {
    for (const value of values) this.int(field, value)
    return this
  }

  /** A `float` field: fixed32, little-endian IEEE 754. */
  float(field: number, value: number): this {
    this.#tag(field, FIXED32)
    const bytes = new Uint8Array(4)
    new DataView(bytes.buffer).setFloat32(0, value, true)
    this.#push(bytes)
    return this
  }

  floats(field: number, values: readonly number[]): this {
    for (const value of values) this.float(field, value)
    return this
  }

  bytes(field: number, value: Uint8Array): this {
    this.#tag(field, LENGTH_DELIMITED)
    this.#push(varintBytes(BigInt(value.length)))
    this.#push(value)
    return this
  }

  /** A UTF-8 string field. */
  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value))
  }

  strings(field: number, values: readonly string[]): this {
    for (const value of values) this.string(field, value)
    return this
  }

  /** A nested message, written by `write` into its own writer and length-prefixed here. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter()
    write(inner)
    this.#tag(field, LENGTH_DELIMITED)
    this.#push(varintBytes(BigInt(inner.length)))
    for (const chunk of inner.#chunks) this.#push(chunk)
    return this
  }

  /** Everything written, as one buffer. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.#length)
    let offset = 0
    for (const chunk of this.#chunks) {
      out.set(chunk, offset)
      offset += chunk.length
    }
    return out
  }
}

/** Base-128 varint of a non-negative 64-bit value: 7 bits a byte, low bits first, MSB = more. */
export function varintBytes(value: bigint): Uint8Array {
  if (value < 0n) throw new RangeError('A varint encodes a non-negative value.')
  const out: number[] = []
  let v = value
  do {
    let byte = Number(v & 0x7fn)
    v >>= 7n
    if (v > 0n) byte |= 0x80
    out.push(byte)
  } while (v > 0n)
  return Uint8Array.from(out)
}
