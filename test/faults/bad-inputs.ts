/**
 * The bad-input catalogue: files a user might drop on the window and run configs a client might
 * send, each with what the studio must answer. test/faults/bad-inputs.test.ts feeds every case
 * through the real API (the dispatcher both transports use) and checks the answer and that the
 * store and the home folder are untouched by a refusal.
 */
import { randomBytes } from 'node:crypto'
import type { DatasetKind } from '../../src/shared/domain/dataset'

export interface UploadFile {
  name: string
  bytes: Buffer
}

export interface FileCase {
  name: string
  files: UploadFile[]
  /** Set for a folder of per-class files. */
  folder?: string
  /** The kind the user chose; detected when absent. */
  kind?: DatasetKind
  /** `accepted` with the kind it must be registered as, or refused with a message to match. */
  expect: { accepted: DatasetKind } | { refused: RegExp }
}

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8')
const lines = (count: number, line: (i: number) => string): string =>
  Array.from({ length: count }, (_, i) => line(i)).join('\n') + '\n'
/** A plausible English corpus of a few KiB (text datasets need some length to be useful). */
const PROSE = lines(200, (i) => `Line ${i}: the quick brown fox jumps over the lazy dog.`)
const NUMBERS_CSV =
  'date,temp,rain\n' + lines(200, (i) => `2020-01-${(i % 28) + 1},${i % 30},${i % 7}`)

export const FILE_CASES: FileCase[] = [
  {
    name: 'PNG image',
    files: [
      {
        name: 'photo.png',
        bytes: Buffer.concat([
          Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
          randomBytes(4096)
        ])
      }
    ],
    expect: { refused: /photo\.png is a PNG image, not text: export the data as a UTF-8/ }
  },
  {
    name: 'zip archive',
    files: [
      {
        name: 'data.zip',
        bytes: Buffer.concat([
          Buffer.from('PK\x03\x04\x14\x00\x00\x00', 'latin1'),
          randomBytes(4096)
        ])
      }
    ],
    expect: { refused: /data\.zip is a ZIP archive.*not text/ }
  },
  {
    name: '/dev/urandom bytes',
    files: [{ name: 'noise.txt', bytes: randomBytes(64 * 1024) }],
    expect: { refused: /noise\.txt .*(binary file|not valid UTF-8)/ }
  },
  {
    name: 'UTF-16 text (with BOM)',
    files: [
      {
        name: 'utf16.txt',
        bytes: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(PROSE, 'utf16le')])
      }
    ],
    expect: { refused: /utf16\.txt is UTF-16 text.*save it as UTF-8/ }
  },
  {
    name: 'Latin-1 text',
    files: [{ name: 'latin1.txt', bytes: Buffer.from(PROSE.replace(/fox/g, 'café'), 'latin1') }],
    expect: { refused: /latin1\.txt is not valid UTF-8 .*Latin-1.*re-save as UTF-8/ }
  },
  {
    name: '0-byte file',
    files: [{ name: 'empty.txt', bytes: Buffer.alloc(0) }],
    expect: { refused: /empty\.txt is empty: there is nothing to learn from/ }
  },
  {
    // Valid UTF-8 text with a two-symbol vocabulary ('a' and the newline): accepted, as a user may
    // mean it as a sanity check; a network learns it at once.
    name: 'every line the same character',
    files: [{ name: 'aaaa.txt', bytes: utf8(lines(2000, () => 'a')) }],
    expect: { accepted: 'text' }
  },
  {
    name: 'CSV with only text columns',
    files: [
      { name: 'words.csv', bytes: utf8('name,colour\n' + lines(100, (i) => `item${i},red`)) }
    ],
    kind: 'csv',
    expect: { refused: /has no numeric column.*forecasting needs at least one column of numbers/ }
  },
  {
    name: 'CSV with ragged rows',
    files: [{ name: 'ragged.csv', bytes: utf8(NUMBERS_CSV + '2020-02-01,3\n2020-02-02,4,5,6\n') }],
    kind: 'csv',
    expect: { refused: /line 202 has 2 fields but the header has 3: fix that line/ }
  },
  {
    // Missing values are common in real series: accepted, counted per column in the statistics
    // (the test checks `missing`), and filled by the forecast task.
    name: 'CSV with NA and empty cells',
    files: [{ name: 'gaps.csv', bytes: utf8(NUMBERS_CSV + '2020-02-01,NA,1\n2020-02-02,,2\n') }],
    kind: 'csv',
    expect: { accepted: 'csv' }
  },
  {
    name: 'CSV with duplicated headers',
    files: [{ name: 'dupes.csv', bytes: utf8('a,b,a\n' + lines(100, (i) => `${i},${i},${i}`)) }],
    kind: 'csv',
    expect: { refused: /dupes\.csv has two columns named "a" \(columns 1 and 3\): rename one/ }
  },
  {
    name: 'labelled text with one class',
    files: [{ name: 'one-class.txt', bytes: utf8(lines(200, (i) => `sentence number ${i}\t1`)) }],
    kind: 'labelled',
    expect: { refused: /has only one class \("1"\): a classifier needs at least two labels/ }
  },
  {
    name: 'names folder with an empty class file',
    folder: 'names',
    files: [
      { name: 'English.txt', bytes: utf8(lines(100, (i) => `Smith${i}`)) },
      { name: 'French.txt', bytes: utf8(lines(100, (i) => `Dupont${i}`)) },
      { name: 'Empty.txt', bytes: Buffer.alloc(0) }
    ],
    expect: { refused: /names\/Empty\.txt is empty/ }
  },
  {
    name: 'a name with spaces and non-ASCII characters',
    files: [{ name: 'mes données — été 2024 ✓.txt', bytes: utf8(PROSE) }],
    expect: { accepted: 'text' }
  },
  {
    name: 'a folder with spaces and non-ASCII characters',
    folder: 'prénoms du monde',
    files: [
      { name: 'Français.txt', bytes: utf8(lines(100, (i) => `Émile${i}`)) },
      { name: 'Ελληνικά.txt', bytes: utf8(lines(100, (i) => `Νίκος${i}`)) }
    ],
    expect: { accepted: 'class-folder' }
  }
]

export interface ConfigCase {
  name: string
  /** The startRun input, a valid tiny config with one thing wrong. */
  config: unknown
  /** The ApiError code and message (or a field path the message must name). */
  code: 'INVALID_INPUT' | 'NOT_FOUND' | 'UNSUPPORTED'
  message: RegExp
}

/** A tiny valid config; each case below breaks one thing in it. */
export const VALID_CONFIG = {
  task: { kind: 'synthetic', problem: 'adding', length: 10, examples: 100 },
  network: { cell: 'lstm', layers: [{ units: 8 }] },
  training: { maxSteps: 10, batchSize: 8 }
} as const

function withTraining(training: Record<string, unknown>): unknown {
  return { ...VALID_CONFIG, training: { ...VALID_CONFIG.training, ...training } }
}

function withNetwork(network: Record<string, unknown>): unknown {
  return { ...VALID_CONFIG, network: { ...VALID_CONFIG.network, ...network } }
}

/** `{ a: { a: … } }`, `depth` deep. */
function nested(depth: number): unknown {
  let value: unknown = 1
  for (let i = 0; i < depth; i++) value = { a: value }
  return value
}

export const CONFIG_CASES: ConfigCase[] = [
  {
    name: 'negative units',
    config: withNetwork({ layers: [{ units: -8 }] }),
    code: 'INVALID_INPUT',
    message: /network\.layers\.0\.units/
  },
  {
    name: 'zero batch size',
    config: withTraining({ batchSize: 0 }),
    code: 'INVALID_INPUT',
    message: /training\.batchSize/
  },
  {
    name: 'huge step count',
    config: withTraining({ maxSteps: 1e12 }),
    code: 'INVALID_INPUT',
    message: /training\.maxSteps/
  },
  {
    name: 'huge layer',
    config: withNetwork({ layers: [{ units: 1e9 }] }),
    code: 'INVALID_INPUT',
    message: /network\.layers\.0\.units/
  },
  {
    name: 'non-numeric learning rate',
    config: withTraining({ learningRate: '0.1' }),
    code: 'INVALID_INPUT',
    message: /training\.learningRate/
  },
  {
    name: 'NaN-like learning rate',
    config: withTraining({ learningRate: null }),
    code: 'INVALID_INPUT',
    message: /training\.learningRate/
  },
  {
    name: 'unknown cell type',
    config: withNetwork({ cell: 'transformer' }),
    code: 'INVALID_INPUT',
    message: /network\.cell/
  },
  {
    name: 'unknown task kind',
    config: { ...VALID_CONFIG, task: { kind: 'image-captioning' } },
    code: 'INVALID_INPUT',
    message: /task/
  },
  {
    name: 'extra field',
    config: { ...VALID_CONFIG, rootPassword: 'hunter2' },
    code: 'INVALID_INPUT',
    message: /rootPassword|Unrecognized key/
  },
  {
    name: 'deeply nested JSON in a field',
    config: { ...VALID_CONFIG, training: nested(2000) },
    code: 'INVALID_INPUT',
    message: /training/
  },
  {
    name: 'a dataset that does not exist',
    config: {
      task: { kind: 'text-generation', datasetId: 4242, sequenceLength: 20 },
      network: VALID_CONFIG.network,
      training: VALID_CONFIG.training
    },
    code: 'NOT_FOUND',
    message: /no dataset with id 4242/
  }
]
