/**
 * The subset of ONNX's protobuf schema the export writes (onnx/onnx.proto, IR version 7), as
 * plain objects, and their serialisation. Field numbers are onnx.proto's; only fields the export
 * sets are listed.
 */
import { ProtoWriter } from './protobuf'

/** `TensorProto.DataType` values the export uses. */
export const DataType = {
  FLOAT: 1,
  INT32: 6,
  INT64: 7,
  BOOL: 9
} as const
export type DataType = (typeof DataType)[keyof typeof DataType]

/** `AttributeProto.AttributeType`. */
const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const

/** A constant tensor (an initializer): little-endian bytes in `raw_data`. */
export interface TensorProto {
  name: string
  dims: readonly number[]
  dataType: DataType
  /** Row-major, little-endian; `4 · size` bytes for FLOAT/INT32, `8 · size` for INT64. */
  raw: Uint8Array
}

export type AttributeProto =
  | { name: string; type: 'float'; value: number }
  | { name: string; type: 'int'; value: number }
  | { name: string; type: 'string'; value: string }
  | { name: string; type: 'floats'; value: readonly number[] }
  | { name: string; type: 'ints'; value: readonly number[] }
  | { name: string; type: 'strings'; value: readonly string[] }

export interface NodeProto {
  /** Input names; `''` skips an optional input that later ones follow. */
  inputs: readonly string[]
  outputs: readonly string[]
  name: string
  opType: string
  attributes: readonly AttributeProto[]
}

/** A graph input or output: a tensor of `elemType` whose dims are numbers or symbolic names. */
export interface ValueInfoProto {
  name: string
  elemType: DataType
  /** `'batch'`, `'steps'`… name a dimension that varies; numbers fix it. */
  shape: readonly (number | string)[]
  doc?: string
}

export interface GraphProto {
  name: string
  nodes: readonly NodeProto[]
  initializers: readonly TensorProto[]
  inputs: readonly ValueInfoProto[]
  outputs: readonly ValueInfoProto[]
  doc?: string
}

export interface ModelProto {
  irVersion: number
  /** Version of the default (`ai.onnx`) operator set. */
  opsetVersion: number
  producerName: string
  producerVersion: string
  doc?: string
  graph: GraphProto
  /** `metadata_props`: free-form strings a runtime exposes (onnxruntime: `session.metadata`). */
  metadata: Record<string, string>
}

/** Serialises a model to the bytes of a `.onnx` file. */
export function encodeModel(model: ModelProto): Uint8Array {
  const w = new ProtoWriter()
  w.int(1, model.irVersion) // ir_version
  w.string(2, model.producerName) // producer_name
  w.string(3, model.producerVersion) // producer_version
  if (model.doc) w.string(6, model.doc) // doc_string
  w.message(7, (g) => writeGraph(g, model.graph)) // graph
  w.message(8, (o) => o.string(1, '').int(2, model.opsetVersion)) // opset_import: ai.onnx
  for (const [key, value] of Object.entries(model.metadata)) {
    w.message(14, (e) => e.string(1, key).string(2, value)) // metadata_props
  }
  return w.finish()
}

function writeGraph(w: ProtoWriter, graph: GraphProto): void {
  for (const node of graph.nodes) w.message(1, (n) => writeNode(n, node))
  w.string(2, graph.name)
  for (const tensor of graph.initializers) w.message(5, (t) => writeTensor(t, tensor))
  if (graph.doc) w.string(10, graph.doc)
  for (const input of graph.inputs) w.message(11, (v) => writeValueInfo(v, input))
  for (const output of graph.outputs) w.message(12, (v) => writeValueInfo(v, output))
}

function writeNode(w: ProtoWriter, node: NodeProto): void {
  w.strings(1, node.inputs)
  w.strings(2, node.outputs)
  w.string(3, node.name)
  w.string(4, node.opType)
  for (const attribute of node.attributes) w.message(5, (a) => writeAttribute(a, attribute))
}

function writeAttribute(w: ProtoWriter, attribute: AttributeProto): void {
  w.string(1, attribute.name)
  switch (attribute.type) {
    case 'float':
      w.float(2, attribute.value).int(20, AttributeType.FLOAT)
      break
    case 'int':
      w.int(3, attribute.value).int(20, AttributeType.INT)
      break
    case 'string':
      w.string(4, attribute.value).int(20, AttributeType.STRING)
      break
    case 'floats':
      w.floats(7, attribute.value).int(20, AttributeType.FLOATS)
      break
    case 'ints':
      w.ints(8, attribute.value).int(20, AttributeType.INTS)
      break
    case 'strings':
      w.strings(9, attribute.value).int(20, AttributeType.STRINGS)
      break
  }
}

function writeTensor(w: ProtoWriter, tensor: TensorProto): void {
  w.ints(1, tensor.dims) // dims
  w.int(2, tensor.dataType) // data_type
  w.string(8, tensor.name) // name
  w.bytes(9, tensor.raw) // raw_data
}

function writeValueInfo(w: ProtoWriter, info: ValueInfoProto): void {
  w.string(1, info.name)
  w.message(2, (type) =>
    // TypeProto.tensor_type → Tensor { elem_type = 1, shape = 2 { dim = 1 { value | param } } }
    type.message(1, (tensor) => {
      tensor.int(1, info.elemType)
      tensor.message(2, (shape) => {
        for (const dim of info.shape) {
          shape.message(1, (d) => (typeof dim === 'number' ? d.int(1, dim) : d.string(2, dim)))
        }
      })
    })
  )
  if (info.doc) w.string(3, info.doc)
}
