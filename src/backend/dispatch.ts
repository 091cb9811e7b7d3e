/**
 * The one request path every transport shares: check the method name against the contract, parse
 * the input, call the service, check the output, and turn any failure into error data. Transports
 * (Electron IPC, WebSocket) only move envelopes; they never decide what is valid.
 */
import { isStudioMethod, studioApi, type StudioService } from '../shared/api/contract'
import { ApiError, toApiErrorData, type ApiErrorData } from '../shared/api/errors'
import { StoreError, toStoreError } from '../store'

export type Envelope = { ok: true; output: unknown } | { ok: false; error: ApiErrorData }

/** Validates and runs one call. Never throws: a bug becomes an INTERNAL error, logged here. */
export async function dispatchRequest(
  service: StudioService,
  method: unknown,
  rawInput: unknown,
  log: (line: string) => void = () => {}
): Promise<Envelope> {
  // isStudioMethod checks own properties only, so '__proto__' or 'constructor' never reach the service.
  if (!isStudioMethod(method)) {
    const name = typeof method === 'string' ? JSON.stringify(method.slice(0, 100)) : typeof method
    return { ok: false, error: new ApiError('UNKNOWN_METHOD', `Unknown method ${name}.`).toData() }
  }
  const schema = studioApi[method]
  const parsed = schema.input.safeParse(rawInput ?? {})
  if (!parsed.success) {
    // Issues reduced to what a caller can act on: where, and what is wrong.
    const issues = parsed.error.issues.map((i) => ({
      path: i.path.map((key) => (typeof key === 'symbol' ? String(key) : key)),
      message: i.message
    }))
    const where = issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ')
    return {
      ok: false,
      error: new ApiError('INVALID_INPUT', `Invalid input for ${method}: ${where}`, issues).toData()
    }
  }
  try {
    const call = service[method] as (input: unknown) => Promise<unknown>
    const output = await call(parsed.data)
    const checked = schema.output.safeParse(output)
    if (!checked.success) {
      log(`${method} returned output that breaks the contract: ${checked.error.message}`)
      return { ok: false, error: toApiErrorData(new Error('contract violation')) }
    }
    return { ok: true, output: checked.data }
  } catch (error) {
    if (!(error instanceof ApiError)) {
      log(
        `${method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`
      )
    }
    return { ok: false, error: toApiErrorData(fromStoreError(error)) }
  }
}

/**
 * A store failure the user can act on (disk full, read-only or locked database, a missing row)
 * keeps its message, which says what to do; without this it would reach the client as a bare
 * INTERNAL error. The store's code travels in `details.storeError`.
 */
function fromStoreError(error: unknown): unknown {
  const store = toStoreError(error)
  if (!(store instanceof StoreError)) return error
  const code = store.code === 'NOT_FOUND' ? 'NOT_FOUND' : 'CONFLICT'
  return new ApiError(code, store.message, { storeError: store.code })
}
