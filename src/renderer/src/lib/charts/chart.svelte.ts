/**
 * chart.js through a Svelte attachment: `<canvas {@attach chart(() => spec)}>`. The chart is
 * created once per canvas and updated in place whenever what `spec` reads changes (new points, a
 * log-scale toggle), with animation off, so a live curve redraws without flicker or rebuilds.
 * Data shaping (smoothing, thinning) happens before the spec (series.ts), where it can be tested.
 */
import {
  Chart,
  Legend,
  LinearScale,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Ticks,
  Tooltip,
  type ChartDataset,
  type ChartOptions
} from 'chart.js'
import type { Attachment } from 'svelte/attachments'
import { untrack } from 'svelte'
import type { XY } from './series'

Chart.register(
  ScatterController,
  LineElement,
  PointElement,
  LinearScale,
  LogarithmicScale,
  Tooltip,
  Legend
)

/** One line or set of points. */
export interface ChartSeries {
  label: string
  points: readonly XY[]
  color: string
  /** Joined by a line (default) or drawn as points only. */
  line?: boolean
  /** Point radius; 0 (the default for lines) draws none. */
  radius?: number
  width?: number
  dashed?: boolean
  /** Drawn pale, behind the others (raw values under a smoothed line). */
  faint?: boolean
  /** Left out of the legend. */
  unlisted?: boolean
  pointStyle?: 'circle' | 'triangle' | 'rectRot' | 'crossRot'
}

export interface ChartSpec {
  series: readonly ChartSeries[]
  xTitle: string
  yTitle?: string
  logY?: boolean
  /** Whole-number x ticks (steps, time steps). */
  integerX?: boolean
  legend?: boolean
  /** Formats a y value in the tooltip. */
  formatY?: (y: number) => string
}

/** Colours for series, told apart in both themes (and by people with the common colour deficits). */
export const PALETTE = [
  '#3b7ddd',
  '#e07b39',
  '#2e9e62',
  '#c2418c',
  '#8a63d2',
  '#a98a12',
  '#1597a5',
  '#d64545'
] as const

/** chart.js needs a 2D context, which jsdom (the component tests) does not have. */
function canDraw(): boolean {
  return !/jsdom/i.test(navigator.userAgent)
}

interface Theme {
  text: string
  muted: string
  grid: string
  surface: string
}

function theme(element: Element): Theme {
  const style = getComputedStyle(element)
  const read = (name: string, fallback: string): string =>
    style.getPropertyValue(name).trim() || fallback
  return {
    text: read('--text', '#1b1f24'),
    muted: read('--muted', '#57606a'),
    grid: read('--border', '#d0d7de'),
    surface: read('--surface', '#ffffff')
  }
}

/** `#3b7ddd` at `alpha` as `rgba(…)`. */
function fade(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16)
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`
}

function datasets(spec: ChartSpec): ChartDataset<'scatter', XY[]>[] {
  return spec.series.map((s, i) => {
    const line = s.line ?? true
    const color = s.faint ? fade(s.color, 0.3) : s.color
    return {
      label: s.label,
      // chart.js reads the points as given (parsing off) and never writes to them.
      data: s.points as XY[],
      showLine: line,
      borderColor: color,
      backgroundColor: line ? color : fade(s.color, 0.75),
      borderWidth: s.width ?? (s.faint ? 1 : 2),
      borderDash: s.dashed ? [6, 4] : undefined,
      pointRadius: s.radius ?? (line ? 0 : 3),
      pointHoverRadius: (s.radius ?? (line ? 0 : 3)) + 2,
      pointStyle: s.pointStyle ?? 'circle',
      spanGaps: false,
      order: s.faint ? spec.series.length + i : i
    }
  })
}

function options(spec: ChartSpec, colors: Theme): ChartOptions<'scatter'> {
  const axisTitle = (text: string | undefined) => ({
    display: text !== undefined,
    text: text ?? '',
    color: colors.muted
  })
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    parsing: false,
    normalized: true,
    interaction: { mode: 'nearest', intersect: false, axis: 'x' },
    scales: {
      x: {
        type: 'linear',
        title: axisTitle(spec.xTitle),
        ticks: { color: colors.muted, precision: spec.integerX ? 0 : undefined },
        grid: { color: fade('#808080', 0.18) },
        border: { color: colors.grid }
      },
      y: {
        type: spec.logY ? 'logarithmic' : 'linear',
        title: axisTitle(spec.yTitle),
        ticks: {
          color: colors.muted,
          maxTicksLimit: 8,
          // chart.js labels only some ticks of a log axis; those keep its choice, in our format.
          callback(value, index, ticks) {
            const shown = spec.logY
              ? Ticks.formatters.logarithmic.call(this, Number(value), index, ticks)
              : Ticks.formatters.numeric.call(this, Number(value), index, ticks)
            return shown === '' || !spec.logY || !spec.formatY ? shown : spec.formatY(Number(value))
          }
        },
        grid: { color: fade('#808080', 0.18) },
        border: { color: colors.grid }
      }
    },
    plugins: {
      legend: {
        display: spec.legend ?? spec.series.filter((s) => !s.unlisted).length > 1,
        position: 'bottom',
        labels: {
          color: colors.text,
          boxWidth: 14,
          boxHeight: 2,
          filter: (item) => !spec.series[item.datasetIndex ?? 0]?.unlisted
        }
      },
      tooltip: {
        filter: (item) => !spec.series[item.datasetIndex]?.faint,
        callbacks: {
          label: (item) => {
            const y = item.parsed.y
            const shown = y === null ? '—' : spec.formatY ? spec.formatY(y) : String(y)
            return `${item.dataset.label}: ${shown}`
          }
        }
      }
    }
  }
}

/**
 * Draws `spec()` on the canvas and redraws it in place when anything it reads changes.
 * Give the canvas a sized parent (the chart fills it).
 */
export function chart(spec: () => ChartSpec): Attachment<HTMLCanvasElement> {
  return (canvas) => {
    if (!canDraw()) return
    const instance = untrack(
      () => new Chart<'scatter', XY[]>(canvas, { type: 'scatter', data: { datasets: [] } })
    )
    const redraw = (current: ChartSpec): void => {
      instance.data.datasets = datasets(current)
      instance.options = options(current, theme(canvas))
      instance.update('none')
    }
    $effect(() => {
      const current = spec()
      untrack(() => redraw(current))
    })
    // The theme follows the system's light/dark setting while the page is open.
    const scheme = matchMedia('(prefers-color-scheme: dark)')
    const onScheme = (): void => redraw(untrack(spec))
    scheme.addEventListener('change', onScheme)
    return () => {
      scheme.removeEventListener('change', onScheme)
      instance.destroy()
    }
  }
}
