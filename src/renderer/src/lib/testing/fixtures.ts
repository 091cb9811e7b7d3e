/**
 * Hand-made API values for component and state tests. Numbers are chosen to be checkable by eye
 * (e.g. 1,115,394 characters is tiny-shakespeare's real size). Test-only: nothing in the app imports it.
 */
import type { DatasetSummary } from '../../../../shared/domain/dataset'
import type { DatasetId, RunId } from '../../../../shared/domain/ids'
import type { MetricPointData, RunDetail } from '../../../../shared/api/runs'
import type { RunSummary } from '../../../../shared/domain/run'

export function textDataset(overrides: Partial<DatasetSummary> = {}): DatasetSummary {
  return {
    id: 1 as DatasetId,
    name: 'tiny-shakespeare',
    kind: 'text',
    sourcePath: 'resources/samples/tiny-shakespeare/input.txt',
    contentHash: 'a'.repeat(64),
    sizeBytes: 1_115_394,
    stats: {
      kind: 'text',
      characters: 1_115_394,
      lines: 40_000,
      words: 202_651,
      vocabularySize: 65,
      rarestCharacters: [
        { char: '\n', count: 3 },
        { char: ' ', count: 7 },
        { char: 'Z', count: 198 }
      ],
      lineEndings: 'lf'
    },
    isSample: true,
    notice: 'Karpathy, char-rnn (MIT).',
    createdAt: '2025-01-05T10:00:00.000Z',
    ...overrides
  }
}

export function csvDataset(overrides: Partial<DatasetSummary> = {}): DatasetSummary {
  return {
    id: 2 as DatasetId,
    name: 'airline-passengers',
    kind: 'csv',
    sourcePath: 'resources/samples/airline-passengers/airline-passengers.csv',
    contentHash: 'b'.repeat(64),
    sizeBytes: 2_180,
    stats: {
      kind: 'csv',
      rows: 144,
      columns: [
        { name: 'Month', type: 'date', missing: 0 },
        { name: 'Passengers', type: 'numeric', missing: 2, min: 104, max: 622, mean: 280.3 }
      ],
      dateColumn: 'Month',
      dateGaps: ['1950-03', '1950-04'],
      preview: [112, 118, null, 129, 121]
    },
    isSample: false,
    notice: 'Box & Jenkins (1976).',
    createdAt: '2025-01-05T10:00:00.000Z',
    ...overrides
  }
}

/** `classCount` classes with 100, 90, 80, … examples (largest first, as the API sends them). */
export function labelledDataset(
  classCount: number,
  overrides: Partial<DatasetSummary> = {}
): DatasetSummary {
  const classes = Array.from({ length: classCount }, (_, i) => ({
    label: `class-${i + 1}`,
    count: 100 - i * 5
  }))
  const examples = classes.reduce((sum, c) => sum + c.count, 0)
  return {
    id: 3 as DatasetId,
    name: 'names-by-language',
    kind: 'class-folder',
    sourcePath: 'resources/samples/names-by-language',
    contentHash: 'c'.repeat(64),
    sizeBytes: 163_419,
    stats: {
      kind: 'class-folder',
      examples,
      classes,
      distinctExamples: examples,
      maxLength: 19,
      vocabularySize: 87
    },
    isSample: true,
    notice: '',
    createdAt: '2025-01-05T10:00:00.000Z',
    ...overrides
  }
}

export function run(id: number, overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    id: id as RunId,
    name: `run-${id}`,
    status: 'completed',
    task: 'char-lm',
    datasetId: 1 as DatasetId,
    backend: 'wasm',
    createdAt: '2025-01-05T10:00:00.000Z',
    startedAt: '2025-01-05T10:00:00.000Z',
    finishedAt: '2025-01-05T10:03:05.000Z',
    error: null,
    config: {},
    ...overrides
  }
}

/** A run's detail with no checkpoints, samples or metrics yet, unless overridden. */
export function runDetail(summary: RunSummary, overrides: Partial<RunDetail> = {}): RunDetail {
  return {
    run: summary,
    checkpoints: [],
    samples: [],
    metricNames: [],
    lastStep: null,
    result: null,
    ...overrides
  }
}

/** Metric points of one metric at steps 10, 20, … as the `runMetricsAppended` event carries them. */
export function metricPoints(name: string, values: number[], firstStep = 10): MetricPointData[] {
  return values.map((value, i) => ({
    step: firstStep + i * 10,
    epoch: 0,
    name,
    value,
    time: 1_700_000_000_000 + i * 1000
  }))
}
