/**
 * Display formatting shared by the components. English UI, so numbers use the en-US grouping
 * (`1,115,394`) whatever the machine's locale: text and numbers read the same on every screen.
 */

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })

/** `1115394` → `1,115,394`; fractions keep at most two digits. */
export function formatNumber(n: number): string {
  return Number.isFinite(n) ? NUMBER.format(n) : '—'
}

/** `1, 'row'` → `1 row`, `2, 'row'` → `2 rows`, with thousands separators. */
export function formatCount(n: number, singular: string, plural = `${singular}s`): string {
  return `${formatNumber(n)} ${n === 1 ? singular : plural}`
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB']

/**
 * Sizes in SI units, as file managers on macOS and most of Linux show them:
 * `512` → `512 B`, `2400` → `2.4 kB`, `1115394` → `1.1 MB`. One decimal below 10, none above.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—'
  let value = bytes
  let unit = 0
  while (unit < BYTE_UNITS.length - 1 && roundForUnit(value, unit) >= 1000) {
    value /= 1000
    unit++
  }
  return `${roundForUnit(value, unit)} ${BYTE_UNITS[unit]}`
}

function roundForUnit(value: number, unit: number): number {
  if (unit === 0) return Math.round(value)
  return value < 9.95 ? Math.round(value * 10) / 10 : Math.round(value)
}

/**
 * A span of time at the precision a person wants for it:
 * `850` → `850 ms`, `4200` → `4.2 s`, `42_000` → `42 s`, `185_000` → `3 min 05 s`,
 * `3_720_000` → `1 h 02 min`, `97_200_000` → `1 d 3 h`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`
  const seconds = Math.floor(ms / 1000)
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min ${pad2(seconds % 60)} s`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return `${hours} h ${pad2(minutes % 60)} min`
  return `${Math.floor(hours / 24)} d ${hours % 24} h`
}

/**
 * How long a run has taken: start to finish, or start to `now` while it has not finished.
 * `—` before it starts.
 */
export function formatRunDuration(
  run: { startedAt: string | null; finishedAt: string | null },
  now: number = Date.now()
): string {
  if (run.startedAt === null) return '—'
  const start = Date.parse(run.startedAt)
  const end = run.finishedAt === null ? now : Date.parse(run.finishedAt)
  return formatDuration(end - start)
}

/** An ISO timestamp as local `YYYY-MM-DD HH:mm`; the input unchanged when it is not a date. */
export function formatDateTime(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const day = `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}`
  return `${day} ${pad2(date.getHours())}:${pad2(date.getMinutes())}`
}

function pad2(n: number): string {
  return String(n).padStart(2, '0')
}

const NAMED_ESCAPES: Record<string, string> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  ' ': '␠',
  '\\': '\\\\'
}

/** Control, format (zero-width…) and separator characters other than the plain space. */
const INVISIBLE = /^[\p{Cc}\p{Cf}\p{Z}\p{Co}\p{Cs}]$/u
/** Combining marks have nothing to sit on when shown alone. */
const COMBINING = /^\p{M}$/u

/**
 * One character made visible: `\n` → `\n` (backslash n), space → `␠`, a zero-width or
 * control character → `U+200B`, a lone combining accent → `◌́`. Others are returned as they are.
 */
export function visibleChar(char: string): string {
  const named = NAMED_ESCAPES[char]
  if (named !== undefined) return named
  if (INVISIBLE.test(char)) return codePointLabel(char)
  if (COMBINING.test(char)) return `◌${char}`
  return char
}

/** Every character of `text` made visible with `visibleChar`. */
export function visibleText(text: string): string {
  return Array.from(text, visibleChar).join('')
}

function codePointLabel(char: string): string {
  const code = char.codePointAt(0) ?? 0
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`
}

/**
 * A metric value at the precision a loss curve is read at: four significant digits, scientific
 * notation for very small or large values. `1.234567` → `1.235`, `0.000123` → `1.23e-4`,
 * `123456` → `1.23e+5`; `—` for a missing or non-finite value.
 */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  const magnitude = Math.abs(value)
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5)) {
    return value.toExponential(2).replace(/\.?0+e/, 'e')
  }
  return String(Number(value.toPrecision(4)))
}

/**
 * `12.345, 'steps/s'` → `12.3 steps/s`; three significant digits, grouped thousands. An empty
 * unit gives the number alone.
 */
export function formatRate(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return '—'
  const shown = value >= 100 ? Math.round(value) : Number(value.toPrecision(3))
  return unit === '' ? formatNumber(shown) : `${formatNumber(shown)} ${unit}`
}
