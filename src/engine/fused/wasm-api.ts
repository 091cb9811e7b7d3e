/**
 * The part of the WebAssembly JavaScript API the engine uses, typed here because the Node
 * project's TypeScript libraries (ES2023 + @types/node, no DOM) do not declare it. A typed view
 * of the runtime's own `globalThis.WebAssembly`, not a global declaration, so it cannot clash
 * with the DOM library's where both are loaded.
 */

export interface WasmMemory {
  /** An ArrayBuffer, or a SharedArrayBuffer for shared memories; replaced when the memory grows. */
  readonly buffer: ArrayBuffer | SharedArrayBuffer
  /** Adds `pages` 64 KiB pages; throws RangeError past the maximum. */
  grow(pages: number): number
}

export interface WasmGlobal {
  value: number
}

/** An opaque compiled module (cloneable to workers). */
export interface WasmModule {
  readonly __brand?: 'WebAssembly.Module'
}

export type WasmExports = Record<string, unknown>

export interface WasmInstance {
  readonly exports: WasmExports
}

interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory
  Module: new (bytes: Uint8Array) => WasmModule
  Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>
  ) => WasmInstance
  validate(bytes: Uint8Array): boolean
}

/** The runtime's WebAssembly namespace. */
export const wasmApi: WebAssemblyApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi })
  .WebAssembly
