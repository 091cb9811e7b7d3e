/**
 * Frames of the WebSocket transport (browser mode). Requests carry a `seq` the reply echoes, so
 * several calls can be in flight; events carry no seq.
 */
import { z } from 'zod'
import { ApiErrorData } from '../api/errors'

export const RequestFrame = z.strictObject({
  seq: z.number().int().nonnegative(),
  method: z.string().max(100),
  input: z.unknown()
})
export type RequestFrame = z.infer<typeof RequestFrame>

export type ReplyFrame =
  | { type: 'reply'; seq: number; ok: true; output: unknown }
  | { type: 'reply'; seq: number | null; ok: false; error: ApiErrorData }

export type EventFrame = { type: 'event'; event: string; payload: unknown }

export type ServerFrame = ReplyFrame | EventFrame

/** Query parameter and subprotocol prefix used to present the browser-mode token. */
export const TOKEN_PARAM = 'token'
