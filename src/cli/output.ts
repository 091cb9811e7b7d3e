/** How the CLI talks: human tables on a TTY or pipe, one JSON document with --json. */
export interface Output {
  json: boolean
  out(text: string): void
  err(text: string): void
  /**
   * Rewrites one status line in place (a terminal's stderr only); null clears it. Absent when
   * stderr is a pipe or a file, where progress is written as plain lines through `err` instead.
   */
  progress?(line: string | null): void
}

export function processOutput(json: boolean): Output {
  let showing = false
  const clear = (): void => {
    if (showing) process.stderr.write('\r\x1b[2K')
    showing = false
  }
  return {
    json,
    out: (text) => {
      clear()
      process.stdout.write(text.endsWith('\n') ? text : text + '\n')
    },
    err: (text) => {
      clear()
      process.stderr.write(text.endsWith('\n') ? text : text + '\n')
    },
    progress: process.stderr.isTTY
      ? (line) => {
          clear()
          if (line === null) return
          // Cut to the terminal's width: a wrapped line could not be rewritten with \r.
          process.stderr.write(line.slice(0, Math.max((process.stderr.columns || 80) - 1, 20)))
          showing = true
        }
      : undefined
  }
}

/** Left-aligned columns separated by two spaces; numbers right-aligned. */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map(String))]
  const widths = header.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)))
  const numeric = header.map(
    (_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === 'number')
  )
  return cells
    .map((row) =>
      row
        .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
        .join('  ')
        .trimEnd()
    )
    .join('\n')
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}
