import { describe, expect, it } from 'vitest'
import { TaskSpec } from '../../shared/domain/task'
import { dataErrorOf } from '../data/test-helpers'
import { fillMissing, meanStd, prepareForecast, type ForecastSpec } from './forecast'
import { Random } from './random'
import { oneFile, plain, readSample } from './test-helpers'

function spec(fields: Partial<ForecastSpec> = {}): ForecastSpec {
  return TaskSpec.parse({ kind: 'forecast', datasetId: 1, ...fields }) as ForecastSpec
}

function csv(header: string, rows: (string | number)[][]): string {
  return [header, ...rows.map((r) => r.join(','))].join('\r\n')
}

// Float32 keeps about 7 significant digits; z(1000) ≈ 434.5.
const close = (values: number[]): unknown[] => values.map((v) => expect.closeTo(v, 4))
const options = { seed: 1, validationSplit: 0.2 }

// 10 rows: the first 8 train (value 1…8: mean 4.5, std √5.25), the last 2 are extreme, so a
// normalisation fitted on all rows would be obvious.
const days = Array.from({ length: 10 }, (_, i) => `2020-01-${String(i + 1).padStart(2, '0')}`)
const values = [1, 2, 3, 4, 5, 6, 7, 8, 1000, -1000]
const kinds = ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'c', 'a']
const table = csv(
  'date,value,kind',
  days.map((d, i) => [d, values[i], kinds[i]])
)
const s = Math.sqrt(5.25)
const z = (v: number): number => (v - 4.5) / s

describe('prepareForecast', () => {
  it('z-scores with training rows only and one-hot encodes categories seen in training', () => {
    const task = prepareForecast(
      spec({ target: 'value', features: ['kind'], lookback: 3, horizon: 1 }),
      oneFile('t.csv', table),
      options
    )
    expect(task.metadata.normalisation).toEqual([
      { name: 'value', mean: 4.5, std: expect.closeTo(s, 12) },
      { name: 'kind=a', mean: 0, std: 1 },
      { name: 'kind=b', mean: 0, std: 1 }
    ])
    expect(task.metadata.targetIndex).toBe(0)
    expect(task.metadata.targetName).toBe('value')
    expect(task.metadata.targetScale).toEqual({ mean: 4.5, std: expect.closeTo(s, 12) })
    expect(task.input).toEqual({ type: 'features', size: 3 })
    expect(task.head).toEqual({ type: 'regression', size: 1 })
    expect(task.configuration).toBe('many-to-one')
    expect(task.steps).toBe(3)
    expect(task.trainSize).toBe(5) // windows starting at rows 0…4 predict rows 3…7
    expect(task.validationSize).toBe(2) // rows 8 and 9
  })

  it('cuts validation windows whose target is a validation row (inputs may be training rows)', () => {
    const task = prepareForecast(
      spec({ target: 'value', features: ['kind'], lookback: 3, horizon: 1 }),
      oneFile('t.csv', table),
      options
    )
    const [batch] = task.validationBatches(10)
    expect(batch.x).toBeInstanceOf(Float32Array)
    expect(batch.xShape).toEqual([2, 3, 3])
    expect(batch.yShape).toEqual([2, 1])
    // Rows 5, 6, 7 → row 8; rows 6, 7, 8 → row 9. Category "c" (validation only) is all zeros.
    expect(Array.from(batch.x)).toEqual(
      close([z(6), 0, 1, z(7), 1, 0, z(8), 0, 1, z(7), 1, 0, z(8), 0, 1, z(1000), 0, 0])
    )
    expect(Array.from(batch.y)).toEqual(close([z(1000), z(-1000)]))
  })

  it('draws every training window once per epoch, targets from the training rows', () => {
    const task = prepareForecast(
      spec({ target: 'value', lookback: 3 }),
      oneFile('t.csv', table),
      options
    )
    const r = new Random(3)
    const batch = task.trainBatch(5, () => r.next(), 0)
    const targets = Array.from(batch.y, (y) => Math.round(y * s + 4.5)).sort((a, b) => a - b)
    expect(targets).toEqual([4, 5, 6, 7, 8])
  })

  it('scores persistence in the data units and as normalised MSE', () => {
    // Train 10 12 11 13 12 14 13 15 (mean 12.5, std 1.5); validation 14 and 16 after 15 and 14.
    const series = [10, 12, 11, 13, 12, 14, 13, 15, 14, 16]
    const task = prepareForecast(
      spec({ lookback: 2 }),
      oneFile(
        's.csv',
        csv(
          'day,y',
          series.map((v, i) => [days[i], v])
        )
      ),
      options
    )
    expect(task.baseline?.metrics.val_mae).toBeCloseTo(1.5, 12) // |15 − 14|, |14 − 16|
    expect(task.baseline?.metrics.val_rmse).toBeCloseTo(Math.sqrt(2.5), 12)
    expect(task.baseline?.metrics.val_loss).toBeCloseTo(2.5 / 2.25, 12)
  })

  it('predicts `horizon` rows after the window and persists the value that far back', () => {
    const series = [10, 12, 11, 13, 12, 14, 13, 15, 14, 16]
    const task = prepareForecast(
      spec({ lookback: 2, horizon: 2 }),
      oneFile(
        's.csv',
        csv(
          'day,y',
          series.map((v, i) => [days[i], v])
        )
      ),
      options
    )
    const [batch] = task.validationBatches(10)
    // Row 8 from rows 5, 6; row 9 from rows 6, 7.
    const zz = (v: number): number => (v - 12.5) / 1.5
    expect(Array.from(batch.x)).toEqual(close([zz(14), zz(13), zz(13), zz(15)]))
    expect(Array.from(batch.y)).toEqual(close([zz(14), zz(16)]))
    expect(task.baseline?.metrics.val_mae).toBeCloseTo(1, 12) // |13 − 14|, |15 − 16|
  })

  it('forward-fills then back-fills missing values and counts them', () => {
    expect(fillMissing(['NA', ' 2', '', 'NaN', '5', '?'])).toEqual({
      cells: ['2', '2', '2', '2', '5', '5'],
      filled: 4
    })
    const task = prepareForecast(
      spec({ lookback: 2 }),
      oneFile(
        'm.csv',
        csv(
          'day,y',
          [1, 'NA', 3, 4, '', 6, 7, 8, 9, 10].map((v, i) => [days[i], v])
        )
      ),
      options
    )
    expect(task.metadata.filledMissing).toBe(2)
    expect(task.metadata.filledMissingByColumn).toEqual({ y: 2 })
  })

  it('defaults the target to the first numeric column that is not a counter or a date part', () => {
    // pm is not a counter (1, 2, 3…), unlike No; year is a piece of a timestamp.
    const rows = [3, 1, 4, 1, 5, 9, 2, 6].map((v, i) => [i + 1, 2020, v])
    const task = prepareForecast(
      spec({ lookback: 2 }),
      oneFile('c.csv', csv('No,year,pm', rows)),
      options
    )
    expect(task.metadata.targetName).toBe('pm')
  })

  it('is deterministic for a seed and different across seeds', () => {
    // The run's seed fixes the epoch order (the generator only matters for text windows).
    const draw = (seed: number) => {
      const task = prepareForecast(spec({ lookback: 2 }), oneFile('t.csv', table), {
        ...options,
        seed
      })
      const r = new Random(seed)
      return plain(task.trainBatch(3, () => r.next(), 0))
    }
    expect(draw(1)).toEqual(draw(1))
    expect(draw(1)).not.toEqual(draw(2))
  })

  it('refuses a window longer than the training rows, with both numbers', () => {
    const err = dataErrorOf(() =>
      prepareForecast(spec({ lookback: 7, horizon: 2 }), oneFile('t.csv', table), options)
    )
    expect(err.code).toBe('TOO_SHORT')
    expect(err.message).toContain('training part (the first 8)')
    expect(err.message).toContain('lookback of 7 rows plus a horizon of 2 needs 9')
  })

  it('refuses unknown, non-numeric and unusable columns, listing the columns', () => {
    const unknown = dataErrorOf(() =>
      prepareForecast(spec({ target: 'Value' }), oneFile('t.csv', table), options)
    )
    expect(unknown.code).toBe('UNRECOGNISED')
    expect(unknown.message).toContain('no column "Value"')
    expect(unknown.message).toContain('date (date), value (numeric), kind (categorical)')
    const feature = dataErrorOf(() =>
      prepareForecast(spec({ features: ['colour'] }), oneFile('t.csv', table), options)
    )
    expect(feature.message).toContain('no column "colour" (the feature)')
    const text = dataErrorOf(() =>
      prepareForecast(spec({ target: 'kind' }), oneFile('t.csv', table), options)
    )
    expect(text.message).toContain('"kind" is categorical, not numeric')
    const date = dataErrorOf(() =>
      prepareForecast(spec({ features: ['date'] }), oneFile('t.csv', table), options)
    )
    expect(date.message).toContain('"date" is a date')
    const none = dataErrorOf(() =>
      prepareForecast(spec(), oneFile('n.csv', csv('a,b', [['x', 'y']])), options)
    )
    expect(none.code).toBe('NO_NUMERIC_COLUMNS')
  })

  it('computes the mean and population std, with std 1 for a constant column', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(1.25) })
    expect(meanStd([5, 5, 5])).toEqual({ mean: 5, std: 1 })
  })

  it('prepares the Melbourne minimum temperatures: 30-day windows, persistence MAE ≈ 2.02 °C', async () => {
    const source = await readSample('melbourne-temperatures/daily-min-temperatures.csv')
    const task = prepareForecast(spec({ lookback: 30 }), source, { seed: 1, validationSplit: 0.1 })
    expect(task.metadata.targetName).toBe('Temp')
    expect(task.trainSize).toBe(3285 - 30)
    expect(task.validationSize).toBe(365)
    expect(task.metadata.normalisation?.[0].mean).toBeCloseTo(11.1231, 4)
    expect(task.baseline?.metrics.val_mae).toBeCloseTo(2.0249, 4)
    expect(task.baseline?.metrics.val_rmse).toBeCloseTo(2.5824, 4)
    const [first] = task.validationBatches(64)
    expect(first.xShape).toEqual([64, 30, 1])
  })

  it('prepares airline passengers and the Beijing table with missing values and a category', async () => {
    const airline = prepareForecast(
      spec({ lookback: 12 }),
      await readSample('airline-passengers/airline-passengers.csv'),
      { seed: 1, validationSplit: 0.2 }
    )
    expect(airline.metadata.targetName).toBe('Passengers')
    expect(airline.trainSize).toBe(115 - 12)
    expect(airline.validationSize).toBe(29)
    expect(airline.baseline?.metrics.val_mae).toBeCloseTo(44.7241, 4)

    const beijing = prepareForecast(
      spec({ features: ['TEMP', 'cbwd'], lookback: 24 }),
      await readSample('beijing-pm25/pollution.csv'),
      { seed: 1, validationSplit: 0.1 }
    )
    expect(beijing.metadata.targetName).toBe('pm2.5')
    expect(beijing.metadata.filledMissing).toBe(2067)
    expect(beijing.metadata.normalisation?.map((n) => n.name)).toEqual([
      'pm2.5',
      'TEMP',
      'cbwd=NE',
      'cbwd=NW',
      'cbwd=SE',
      'cbwd=cv'
    ])
    expect(beijing.input).toEqual({ type: 'features', size: 6 })
  })
})
