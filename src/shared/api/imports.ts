/**
 * Schemas of the dataset-import methods of the contract (contract.ts). The UI uploads the *content*
 * of files the user dropped or picked, never a path: `beginImport` declares the files, `uploadChunk`
 * sends each one in order in base64 chunks, `finishImport` checks and registers them, and
 * `cancelImport` drops them. The same calls work over Electron IPC and the WebSocket.
 */
import { z } from 'zod'
import { DatasetKind, DatasetSummary } from '../domain/dataset'

/**
 * Most bytes one `uploadChunk` carries: 512 KiB is 699,052 base64 characters, so a request frame
 * stays well under the WebSocket's 1 MiB soft limit (src/server/studio-server.ts `softFrameBytes`).
 */
export const IMPORT_CHUNK_BYTES = 512 * 1024

/** Most files in one import: a folder of per-class files has tens, a thousand is a mistake. */
export const MAX_IMPORT_FILES = 1000

/** Longest file name most file systems store (255 bytes of UTF-8 on ext4, APFS and NTFS alike). */
const MAX_NAME_BYTES = 255

const MAX_CHUNK_BASE64 = Math.ceil(IMPORT_CHUNK_BYTES / 3) * 4

/** Control characters (NUL included): no real file name holds one, and they garble messages. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/

/**
 * A bare file or folder name, as `File.name` gives it. The backend joins it to its own staging
 * folder, so anything that could climb out of that folder is refused: separators (`/`, and `\`
 * for Windows), `.` and `..` (a name of dots only), NUL and other control characters.
 */
export const ImportFileName = z
  .string()
  .min(1)
  .max(MAX_NAME_BYTES)
  .refine((name) => !/[/\\]/.test(name), 'must be a bare name, without / or \\')
  .refine((name) => !/^\.+$/.test(name), 'must not be "." or ".."')
  .refine((name) => !CONTROL.test(name), 'must not contain NUL or other control characters')
  .refine(
    (name) => new TextEncoder().encode(name).byteLength <= MAX_NAME_BYTES,
    `must be at most ${MAX_NAME_BYTES} bytes long`
  )

/** Opaque id of an import in progress: 128 random bits in hex. */
export const ImportId = z.string().regex(/^[0-9a-f]{32}$/, 'is not an import id')
export type ImportId = z.infer<typeof ImportId>

export const ImportFileInfo = z.strictObject({
  name: ImportFileName,
  /** Bytes the file holds; its chunks must add up to exactly this. */
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
})
export type ImportFileInfo = z.infer<typeof ImportFileInfo>

export const BeginImport = z
  .strictObject({
    /** The dataset's name in the studio; default: the folder's name, or the file's without extension. */
    name: z.string().trim().min(1).max(200).optional(),
    /** The folder the files came from (a folder of per-class files); absent for a single file. */
    folder: ImportFileName.optional(),
    /** The kind the user chose; detected from the content when absent. */
    kind: DatasetKind.optional(),
    files: z.array(ImportFileInfo).min(1).max(MAX_IMPORT_FILES)
  })
  .superRefine((input, ctx) => {
    if (input.folder === undefined && input.files.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['files'],
        message: 'several files must come from a folder: name it in `folder`'
      })
    }
    // Case-insensitive: on macOS and Windows `a.txt` and `A.txt` are the same file.
    const seen = new Set<string>()
    input.files.forEach((file, index) => {
      const key = file.name.toLowerCase()
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          path: ['files', index, 'name'],
          message: 'appears twice'
        })
      }
      seen.add(key)
    })
  })
export type BeginImport = z.infer<typeof BeginImport>

export const ImportRef = z.strictObject({ importId: ImportId })

/** Bytes a base64 string decodes to (it is checked to be base64 first). */
function decodedLength(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0
  return (base64.length / 4) * 3 - padding
}

export const UploadChunk = z.strictObject({
  importId: ImportId,
  /** Index into `beginImport`'s `files`. */
  fileIndex: z
    .number()
    .int()
    .nonnegative()
    .max(MAX_IMPORT_FILES - 1),
  /** Where this chunk starts in its file: exactly the bytes received so far (chunks go in order). */
  offset: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  /** Standard base64 with padding, 1 byte to {@link IMPORT_CHUNK_BYTES} decoded. */
  base64: z
    .base64()
    .min(4)
    .max(MAX_CHUNK_BASE64)
    .refine(
      (b64) => decodedLength(b64) <= IMPORT_CHUNK_BYTES,
      `must decode to at most ${IMPORT_CHUNK_BYTES} bytes`
    )
})
export type UploadChunk = z.infer<typeof UploadChunk>

export const UploadedChunk = z.strictObject({
  /** Bytes of this file received so far. */
  received: z.number().int().nonnegative()
})

export const FinishedImport = z.strictObject({
  dataset: DatasetSummary,
  /** False when the same content was already in the studio: `dataset` is that one. */
  created: z.boolean()
})
export type FinishedImport = z.infer<typeof FinishedImport>
