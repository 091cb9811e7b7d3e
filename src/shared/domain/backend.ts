import { z } from 'zod'

/** The tfjs backends in the order the studio prefers them. */
export const ComputeBackendName = z.enum(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'])
export type ComputeBackendName = z.infer<typeof ComputeBackendName>

export const BackendProbe = z.strictObject({
  name: ComputeBackendName,
  available: z.boolean(),
  /** Why it is unavailable (package not installed, native library failed to load…). */
  reason: z.string().nullable()
})
export type BackendProbe = z.infer<typeof BackendProbe>

/** Which compute backend training will use, and what was tried to get there. */
export const BackendInfo = z.strictObject({
  selected: ComputeBackendName,
  /** Set when the user forced a backend with RNN_STUDIO_BACKEND or --backend. */
  forced: z.boolean(),
  probes: z.array(BackendProbe)
})
export type BackendInfo = z.infer<typeof BackendInfo>
