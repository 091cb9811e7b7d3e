import { DataError } from './errors'

/** One classification example. */
export interface LabelledExample {
  text: string
  label: string
}

/** A decoded class file: `Greek.txt` holds the examples of class `Greek`. */
export interface ClassFile {
  name: string
  text: string
}

/**
 * Parses `text<TAB>label` lines. Only `\n` separates lines, so a U+0085 (NEL) inside a sentence
 * stays in it (imdb has two), and each line is split on its LAST tab with quotes taken literally:
 * a quote-aware TSV reader merges lines at unbalanced `"` (748 rows instead of 1,000 for imdb).
 * Text and label are trimmed (imdb puts two spaces before the tab; CRLF leaves a `\r`); blank
 * lines are skipped.
 * @throws DataError BAD_LINE naming the first line without a tab, a label or a text
 */
export function parseLabelledLines(text: string, fileName: string): LabelledExample[] {
  const examples: LabelledExample[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    if (line.trim() === '') continue
    const tab = line.lastIndexOf('\t')
    const where = `${fileName} line ${i + 1}`
    if (tab < 0) {
      throw new DataError(
        'BAD_LINE',
        `${where} has no TAB: every line must be "text<TAB>label"; put a tab before its label or delete the line.`
      )
    }
    const label = line.slice(tab + 1).trim()
    const example = line.slice(0, tab).trim()
    if (label === '') {
      throw new DataError(
        'BAD_LINE',
        `${where} has an empty label after its TAB: write the class label after the tab or delete the line.`
      )
    }
    if (example === '') {
      throw new DataError(
        'BAD_LINE',
        `${where} has a label but no text before its TAB: write the example text or delete the line.`
      )
    }
    examples.push({ text: example, label })
  }
  return examples
}

/**
 * Reads a class folder: the label is the file name without extension, each non-blank line is one
 * example, trimmed (names-by-language has trailing spaces on 10 lines).
 * @param folderName prefixed to file names in error messages
 * @throws DataError EMPTY_CLASS when a file has no examples
 */
export function parseClassFolder(files: ClassFile[], folderName?: string): LabelledExample[] {
  const examples: LabelledExample[] = []
  for (const file of files) {
    const label = file.name.replace(/\.[^.]*$/, '')
    const before = examples.length
    for (const line of file.text.split('\n')) {
      const example = line.trim()
      if (example !== '') examples.push({ text: example, label })
    }
    if (examples.length === before) {
      const shown = folderName ? `${folderName}/${file.name}` : file.name
      throw new DataError(
        'EMPTY_CLASS',
        `${shown} is empty: every class file needs at least one example; remove the file or add lines.`
      )
    }
  }
  return examples
}
