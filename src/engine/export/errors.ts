/**
 * Why an export was refused, as a code the backend maps onto its API errors and a message that
 * says what to do.
 */
export type ExportErrorCode =
  /** The format cannot represent this network (see the message for which part). */
  | 'UNSUPPORTED'
  /** The target folder exists and is not empty (or is a file): nothing is ever overwritten. */
  | 'TARGET_EXISTS'
  /** The target folder cannot be created or written (permissions, a read-only or full disk…). */
  | 'TARGET_UNWRITABLE'
  /** The checkpoint's weights do not match its own network spec. */
  | 'BAD_CHECKPOINT'

export class ExportError extends Error {
  override readonly name = 'ExportError'

  constructor(
    readonly code: ExportErrorCode,
    message: string
  ) {
    super(message)
  }
}
