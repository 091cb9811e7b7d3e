/**
 * Getting decoded text out of a task's dataset files, with the refusals every dataset-backed task
 * shares. Runs before any training, so a bad dataset fails with a message, not a NaN loss.
 */
import { DataError, decodeText, type ClassFile, type DatasetFiles } from '../data'

/**
 * The dataset a task names, or a NOT_FOUND refusal when the caller had none to give (the dataset
 * was deleted, or the id is stale).
 * @param what the task, for the message (`'A text-generation task'`)
 */
export function requireSource(source: DatasetFiles | null, what: string): DatasetFiles {
  if (source === null) {
    throw new DataError(
      'NOT_FOUND',
      `${what} needs a dataset, but none was found: pick a dataset for the task (re-import it if it was deleted).`
    )
  }
  if (source.files.length === 0) {
    throw new DataError('EMPTY', `${source.name} has no files: pick a file or a folder with data.`)
  }
  return source
}

/** A decoded dataset file; `shown` is how messages name it. */
export interface DecodedFile extends ClassFile {
  shown: string
}

/**
 * Decodes every file as strict UTF-8 (see `decodeText`). Inside a folder, messages name a file
 * `folder/file.txt`, which is what the user recognises; `name` stays the bare file name, because a
 * class folder's labels come from it.
 */
export function decodeSource(source: DatasetFiles): DecodedFile[] {
  return source.files.map((f) => {
    const shown = source.files.length > 1 ? `${source.name}/${f.name}` : f.name
    return { name: f.name, shown, text: decodeText(f.bytes, shown) }
  })
}
