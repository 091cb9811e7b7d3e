/** A wrong command line: printed with a hint to --help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

export const EXIT_OK = 0
export const EXIT_FAILED = 1
export const EXIT_USAGE = 2
