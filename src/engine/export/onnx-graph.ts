/**
 * Building an ONNX graph node by node: unique value names, constants as initializers, and the
 * attribute constructors, so the exporter reads as a list of operators.
 */
import type {
  AttributeProto,
  GraphProto,
  NodeProto,
  TensorProto,
  ValueInfoProto
} from './onnx-proto'
import { DataType } from './onnx-proto'

/** Attribute constructors, named by ONNX attribute type. */
export const attr = {
  int: (name: string, value: number): AttributeProto => ({ name, type: 'int', value }),
  ints: (name: string, value: readonly number[]): AttributeProto => ({ name, type: 'ints', value }),
  float: (name: string, value: number): AttributeProto => ({ name, type: 'float', value }),
  string: (name: string, value: string): AttributeProto => ({ name, type: 'string', value }),
  strings: (name: string, value: readonly string[]): AttributeProto => ({
    name,
    type: 'strings',
    value
  })
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/** Float32 values as little-endian bytes (a copy). */
export function float32Bytes(values: ArrayLike<number>): Uint8Array {
  const floats = Float32Array.from(values)
  if (LITTLE_ENDIAN) return new Uint8Array(floats.buffer)
  const bytes = new Uint8Array(floats.length * 4)
  const view = new DataView(bytes.buffer)
  floats.forEach((v, i) => view.setFloat32(i * 4, v, true))
  return bytes
}

function int64Bytes(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8)
  const view = new DataView(bytes.buffer)
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true))
  return bytes
}

export class GraphBuilder {
  readonly #nodes: NodeProto[] = []
  readonly #initializers: TensorProto[] = []
  readonly #inputs: ValueInfoProto[] = []
  readonly #outputs: ValueInfoProto[] = []
  readonly #used = new Set<string>()
  /** int64 constants by dims and values: axes and shapes repeat in every layer. */
  readonly #int64Constants = new Map<string, string>()

  /** A value name not used yet: `base`, else `base_2`, `base_3`… */
  unique(base: string): string {
    let name = base
    for (let k = 2; this.#used.has(name); k++) name = `${base}_${k}`
    this.#used.add(name)
    return name
  }

  /** Declares a graph input; its name is kept as given (callers feed it by name). */
  input(info: ValueInfoProto): string {
    if (this.#used.has(info.name)) throw new Error(`Duplicate graph value name ${info.name}.`)
    this.#used.add(info.name)
    this.#inputs.push(info)
    return info.name
  }

  /** Names an existing value as a graph output (through Identity when the name differs). */
  output(value: string, info: ValueInfoProto): void {
    if (value !== info.name) {
      if (this.#used.has(info.name)) throw new Error(`Duplicate graph value name ${info.name}.`)
      this.#used.add(info.name)
      this.#nodes.push({
        inputs: [value],
        outputs: [info.name],
        name: `output_${info.name}`,
        opType: 'Identity',
        attributes: []
      })
    }
    this.#outputs.push(info)
  }

  /** A float32 initializer, row-major. */
  floats(base: string, dims: readonly number[], values: ArrayLike<number>): string {
    const size = dims.reduce((a, b) => a * b, 1)
    if (values.length !== size) {
      throw new Error(`Initializer ${base} has ${values.length} values for dims [${dims}].`)
    }
    const name = this.unique(base)
    this.#initializers.push({ name, dims, dataType: DataType.FLOAT, raw: float32Bytes(values) })
    return name
  }

  /** An int64 initializer (shapes, axes, indices), shared by equal ones; `dims` `[]`: a scalar. */
  int64s(base: string, dims: readonly number[], values: readonly number[]): string {
    const key = `${dims.join(',')}:${values.join(',')}`
    const existing = this.#int64Constants.get(key)
    if (existing !== undefined) return existing
    const name = this.unique(base)
    this.#initializers.push({ name, dims, dataType: DataType.INT64, raw: int64Bytes(values) })
    this.#int64Constants.set(key, name)
    return name
  }

  /**
   * Appends one operator.
   * @param outputs how many outputs it has, or their base names
   * @returns the outputs' unique names
   */
  op(
    opType: string,
    inputs: readonly string[],
    attributes: readonly AttributeProto[] = [],
    outputs: number | readonly string[] = 1
  ): string[] {
    const bases =
      typeof outputs === 'number'
        ? Array.from({ length: outputs }, (_, i) =>
            outputs === 1 ? opType.toLowerCase() : `${opType.toLowerCase()}_${i}`
          )
        : outputs
    const names = bases.map((base) => this.unique(base))
    this.#nodes.push({
      inputs,
      outputs: names,
      name: this.unique(`node_${opType.toLowerCase()}`),
      opType,
      attributes
    })
    return names
  }

  /** {@link op} for single-output operators. */
  op1(
    opType: string,
    inputs: readonly string[],
    attributes: readonly AttributeProto[] = [],
    output?: string
  ): string {
    return this.op(opType, inputs, attributes, output ? [output] : 1)[0]
  }

  build(name: string, doc?: string): GraphProto {
    return {
      name,
      doc,
      nodes: this.#nodes,
      initializers: this.#initializers,
      inputs: this.#inputs,
      outputs: this.#outputs
    }
  }
}
