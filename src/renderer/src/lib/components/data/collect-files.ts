/**
 * Turns what the user dropped or picked into an ImportSource: one file, or the files of
 * one folder (one level deep: the per-class `.txt` files). Hidden files (`.DS_Store`) are left out;
 * which of the rest are data is the backend's call, so its messages stay the only ones.
 */
import type { Collected, ImportProblem } from '../../state/imports.svelte'

export type { Collected }

const ONE_AT_A_TIME: ImportProblem = {
  title: 'One at a time',
  message: 'Several items were dropped at once.',
  advice:
    'Drop one file, or one folder holding one <class>.txt file per class (the folder is the dataset).'
}

/** The file chosen with `<input type="file">`; null when the picker was closed without one. */
export function fromFileInput(files: FileList | null): Collected | null {
  const list = [...(files ?? [])]
  if (list.length === 0) return null
  if (list.length > 1) return { problem: ONE_AT_A_TIME }
  return { source: { files: list } }
}

/**
 * The files of the folder chosen with `<input type="file" webkitdirectory>`, which lists the
 * whole tree as `folder/…/name` in `webkitRelativePath`: only the folder's own files are kept.
 */
export function fromFolderInput(files: FileList | null): Collected | null {
  const list = [...(files ?? [])]
  if (list.length === 0) return null
  const folder = list[0].webkitRelativePath.split('/')[0]
  const own = list.filter((f) => {
    const parts = f.webkitRelativePath.split('/')
    return parts.length === 2 && !isHidden(parts[1])
  })
  return folderSource(folder, own)
}

/**
 * What a drop carries. The DataTransfer is emptied once the event handler returns, so its items
 * are taken synchronously, here; folders are read afterwards through their entries.
 */
export function fromDrop(data: DataTransfer): Promise<Collected | null> {
  const items = [...(data.items ?? [])].filter((item) => item.kind === 'file')
  const dropped =
    items.length > 0
      ? items.map((item) => ({ entry: item.webkitGetAsEntry?.() ?? null, file: item.getAsFile() }))
      : [...(data.files ?? [])].map((file) => ({ entry: null, file }))
  return collectDropped(dropped)
}

async function collectDropped(
  dropped: { entry: FileSystemEntry | null; file: File | null }[]
): Promise<Collected | null> {
  if (dropped.length === 0) return null
  if (dropped.length > 1) return { problem: ONE_AT_A_TIME }
  const [{ entry, file }] = dropped
  if (entry !== null && entry.isDirectory) {
    const entries = await readAllEntries(entry as FileSystemDirectoryEntry)
    const fileEntries = entries.filter(
      (e): e is FileSystemFileEntry => e.isFile && !isHidden(e.name)
    )
    return folderSource(entry.name, await Promise.all(fileEntries.map(entryFile)))
  }
  const single =
    file ?? (entry !== null && entry.isFile ? await entryFile(entry as FileSystemFileEntry) : null)
  return single === null ? null : { source: { files: [single] } }
}

function folderSource(folder: string, files: File[]): Collected {
  if (files.length === 0) {
    return {
      problem: {
        title: 'Nothing to learn from',
        message: `The folder ${folder} holds no files.`,
        advice: 'A class folder holds one <class>.txt file per class, one example per line.'
      }
    }
  }
  // Sorted like the backend reads them, so the upload order is stable too.
  return { source: { folder, files: [...files].sort((a, b) => (a.name < b.name ? -1 : 1)) } }
}

function isHidden(name: string): boolean {
  return name.startsWith('.')
}

/** Every entry of a folder: `readEntries` hands them out in batches (100 in Chromium) until empty. */
async function readAllEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader()
  const all: FileSystemEntry[] = []
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject)
    )
    if (batch.length === 0) return all
    all.push(...batch)
  }
}

function entryFile(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject))
}
