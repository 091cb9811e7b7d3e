/**
 * SVG path data for a sparkline of `values` in a `width` × `height` box: one `M…L…` subpath per run
 * of non-null values, so missing values show as gaps rather than as a line across them. A value with
 * no neighbour becomes a zero-length segment (`h0`), which a round line cap draws as a dot.
 * The y axis spans the values' own min..max; a flat series is drawn along the middle.
 */
export function sparklinePath(
  values: readonly (number | null)[],
  width: number,
  height: number
): string {
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v))
  if (finite.length === 0) return ''
  const min = Math.min(...finite)
  const max = Math.max(...finite)
  const step = values.length > 1 ? width / (values.length - 1) : 0
  const y = (v: number) => (max === min ? height / 2 : height - ((v - min) / (max - min)) * height)

  const parts: string[] = []
  let runLength = 0
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (runLength === 1) parts.push('h0')
      runLength = 0
      return
    }
    parts.push(`${runLength === 0 ? 'M' : 'L'}${round(i * step)} ${round(y(v))}`)
    runLength++
  })
  if (runLength === 1) parts.push('h0')
  return parts.join(' ')
}

function round(n: number): number {
  return Math.round(n * 100) / 100
}
