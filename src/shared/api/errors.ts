import { z } from 'zod'

/**
 * Error codes that cross the API boundary. A caller branches on `code`, shows `message`.
 * - INVALID_INPUT: the request did not match the contract (details: the failing fields)
 * - NOT_FOUND: the named dataset/run does not exist
 * - UNKNOWN_METHOD: no such method in the contract
 * - BAD_REQUEST: the frame itself was malformed (not JSON, wrong shape)
 * - TOO_LARGE: a frame or file over the size limit
 * - RATE_LIMITED: too many requests in a short time
 * - CONFLICT: the request clashes with the current state (e.g. a dataset already imported)
 * - UNSUPPORTED: the data or setting is understood but cannot be used (binary file, bad encoding…)
 * - INTERNAL: a bug or an unexpected failure; the message never contains a stack trace
 */
export const ApiErrorCode = z.enum([
  'INVALID_INPUT',
  'NOT_FOUND',
  'UNKNOWN_METHOD',
  'BAD_REQUEST',
  'TOO_LARGE',
  'RATE_LIMITED',
  'CONFLICT',
  'UNSUPPORTED',
  'INTERNAL'
])
export type ApiErrorCode = z.infer<typeof ApiErrorCode>

/** The serialisable shape of an error: what crosses IPC and WebSocket, never a raw `Error`. */
export const ApiErrorData = z.strictObject({
  name: z.literal('ApiError'),
  code: ApiErrorCode,
  message: z.string(),
  details: z.unknown().optional()
})
export type ApiErrorData = z.infer<typeof ApiErrorData>

/** Thrown by the backend (and re-thrown by clients) for failures a user should read. */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown
  ) {
    super(message)
  }

  toData(): ApiErrorData {
    const data: ApiErrorData = { name: 'ApiError', code: this.code, message: this.message }
    if (this.details !== undefined) data.details = this.details
    return data
  }

  static fromData(data: ApiErrorData): ApiError {
    return new ApiError(data.code, data.message, data.details)
  }
}

/**
 * Turns anything thrown into data safe to send: ApiErrors keep their code and message,
 * anything else becomes INTERNAL with a generic message (no stack, no paths from the inside).
 */
export function toApiErrorData(error: unknown): ApiErrorData {
  if (error instanceof ApiError) return error.toData()
  return { name: 'ApiError', code: 'INTERNAL', message: 'Internal error in the studio backend.' }
}
