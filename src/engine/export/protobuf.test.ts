import { describe, expect, it } from 'vitest'
import { encodeModel } from './onnx-proto'
import { ProtoWriter, varintBytes } from './protobuf'

const bytes = (w: ProtoWriter): number[] => Array.from(w.finish())

describe('protobuf writer', () => {
  it('writes base-128 varints, low 7 bits first (protobuf.dev encoding examples)', () => {
    expect(Array.from(varintBytes(1n))).toEqual([0x01])
    expect(Array.from(varintBytes(150n))).toEqual([0x96, 0x01])
    expect(Array.from(varintBytes(300n))).toEqual([0xac, 0x02])
  })

  it('tags fields with (number << 3) | wire type', () => {
    // field 1 varint 150: the documentation's "08 96 01"
    expect(bytes(new ProtoWriter().int(1, 150))).toEqual([0x08, 0x96, 0x01])
    // field 2 string "hi": length-delimited, tag 0x12
    expect(bytes(new ProtoWriter().string(2, 'hi'))).toEqual([0x12, 0x02, 0x68, 0x69])
    // field 2 float 1.0: fixed32 (tag 0x15), 0x3f800000 little-endian
    expect(bytes(new ProtoWriter().float(2, 1))).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f])
  })

  it('writes a negative int64 as ten bytes of two’s complement', () => {
    expect(bytes(new ProtoWriter().int(3, -1))).toEqual([
      0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
    ])
  })

  it('length-prefixes nested messages and repeats unpacked scalars', () => {
    expect(bytes(new ProtoWriter().message(1, (m) => m.int(1, 150)))).toEqual([
      0x0a, 0x03, 0x08, 0x96, 0x01
    ])
    expect(bytes(new ProtoWriter().ints(1, [2, 3]))).toEqual([0x08, 0x02, 0x08, 0x03])
  })

  it('starts an ONNX model with ir_version, producer and the graph', () => {
    const model = encodeModel({
      irVersion: 7,
      opsetVersion: 14,
      producerName: 'p',
      producerVersion: '',
      graph: { name: 'g', nodes: [], initializers: [], inputs: [], outputs: [] },
      metadata: {}
    })
    expect(Array.from(model)).toEqual([
      ...[0x08, 0x07], // ir_version 7
      ...[0x12, 0x01, 0x70], // producer_name "p"
      ...[0x1a, 0x00], // producer_version ""
      ...[0x3a, 0x03, 0x12, 0x01, 0x67], // graph { name "g" }
      ...[0x42, 0x04, 0x0a, 0x00, 0x10, 0x0e] // opset_import { domain "", version 14 }
    ])
  })
})
