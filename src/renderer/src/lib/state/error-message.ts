/** The text to show for a failed call: ApiError and TransportError messages are written for people. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message !== '') return error.message
  return 'Something went wrong while talking to the studio.'
}
