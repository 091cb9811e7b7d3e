import * as tf from '@tensorflow/tfjs'
import { execFile } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../compute-backend'
import type { RnnModel } from '../model/build-model'
import { oneHotRows } from '../model/forward'
import { wordTokens } from '../tasks/tokens'
import type { Batch } from '../tasks/types'
import { loadModelFromCheckpoint } from '../train/checkpoint'
import { predict, type Prediction } from '../train/sample'
import { exportRun, metricsAt } from './export-run'
import { exampleInput } from './readme'
import { WORD_PATTERN, type StudioJson } from './studio-json'
import { patternTask } from '../train/test-tasks'
import {
  EXPORT_CASES,
  maxAbsDiff,
  probeBatch,
  studioGreedy,
  studioOutputs,
  trainCase,
  untrainedCheckpoint,
  type TrainedCase
} from './test-models'

const root = mkdtempSync(join(tmpdir(), 'rnn-export-'))
// The README examples import @tensorflow/tfjs and onnxruntime-node by name, as a user's program
// would: a node_modules beside the export folders resolves them (and nothing of the studio's).
symlinkSync(resolve('node_modules'), join(root, 'node_modules'), 'dir')

const trained = new Map<string, TrainedCase>()
const exported = new Map<string, { dir: string; studio: StudioJson; net: RnnModel }>()
/** Per case: the largest difference seen in each runtime (printed with EXPORT_REPORT=1). */
const report: Record<string, { tfjs: number; onnx: number }> = {}

beforeAll(async () => {
  await selectBackend(tf, { force: 'cpu' })
  for (const c of EXPORT_CASES) trained.set(c.name, await trainCase(c))
}, 120_000)

afterAll(() => {
  for (const { net } of exported.values()) net.model.dispose()
  rmSync(root, { recursive: true, force: true })
  if (process.env.EXPORT_REPORT) console.info(JSON.stringify(report, null, 2))
})

const slug = (name: string): string => name.replace(/[^a-z0-9]+/gi, '-')

/** The model's inputs for a batch as tfjs tensors: int32 ids, one-hot rows or feature rows. */
function tfjsInputs(net: RnnModel, batch: Batch): tf.Tensor[] {
  const tokens = (ids: ArrayLike<number>, shape: number[], vocab: number, padded: boolean) =>
    net.spec.embeddingSize > 0
      ? tf.tensor2d(Int32Array.from(ids), [shape[0], shape[1]], 'int32')
      : tf.tensor3d(oneHotRows(ids, vocab, padded), [shape[0], shape[1], vocab])
  const input = net.task.input
  const x =
    input.type === 'tokens'
      ? tokens(batch.x, batch.xShape, input.vocabSize, input.padded)
      : tf.tensor3d(Float32Array.from(batch.x), batch.xShape as [number, number, number])
  if (!net.task.decoder) return [x]
  const decoderShape = batch.decoderShape as number[]
  const d = tokens(
    batch.decoderInput as Int32Array,
    decoderShape,
    net.task.decoder.vocabSize,
    false
  )
  return [x, d]
}

function int64(ids: ArrayLike<number>, dims: number[]): ort.Tensor {
  return new ort.Tensor(
    'int64',
    BigInt64Array.from(Array.from(ids), (v) => BigInt(v)),
    dims
  )
}

/** ONNX greedy decoding, one decoder step per token, as the README describes. */
async function onnxGreedy(
  encoder: ort.InferenceSession,
  decoder: ort.InferenceSession,
  input: ort.Tensor,
  rows: number,
  spec: { startToken: number; vocabSize: number; maxSteps: number }
): Promise<Int32Array> {
  let states: Record<string, ort.Tensor> = await encoder.run({ input })
  let tokens = new Array<number>(rows).fill(spec.startToken)
  const out = new Int32Array(rows * spec.maxSteps)
  for (let t = 0; t < spec.maxSteps; t++) {
    const step = await decoder.run({ ...states, decoder_input: int64(tokens, [rows, 1]) })
    const p = step.probabilities.data as Float32Array
    tokens = tokens.map((_, r) => {
      let best = 0
      for (let v = 1; v < spec.vocabSize; v++) {
        if (p[r * spec.vocabSize + v] > p[r * spec.vocabSize + best]) best = v
      }
      out[r * spec.maxSteps + t] = best
      return best
    })
    states = Object.fromEntries(
      Object.entries(step)
        .filter(([name]) => name.endsWith('_next'))
        .map(([name, value]) => [name.slice(0, -'_next'.length), value])
    )
  }
  return out
}

describe('exported models give the studio’s own outputs (within 1e-4)', () => {
  for (const c of EXPORT_CASES) {
    it(`${c.name}: tf.loadLayersModel and onnxruntime-node`, async () => {
      const { checkpoint, task, metrics } = trained.get(c.name) as TrainedCase
      const net = loadModelFromCheckpoint(checkpoint)
      const dir = join(root, slug(c.name))
      const result = await exportRun(checkpoint, {
        format: 'all',
        outDir: dir,
        metrics: metricsAt(metrics, checkpoint.step),
        run: { id: 7, name: c.name },
        now: new Date(0)
      })
      exported.set(c.name, { dir, studio: result.studio, net })
      const batch = probeBatch(task)
      const expected = studioOutputs(net, batch)
      // The comparison means something only if the outputs differ from row to row.
      const width = expected.values.length / expected.shape[0]
      expect(
        maxAbsDiff(expected.values.slice(0, width), expected.values.slice(width, 2 * width))
      ).toBeGreaterThan(1e-4)

      // TensorFlow.js: the files on disk, through tfjs's own loader.
      const json = JSON.parse(readFileSync(join(dir, 'tfjs/model.json'), 'utf8'))
      const bin = readFileSync(join(dir, 'tfjs', json.weightsManifest[0].paths[0]))
      const model = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: json.modelTopology,
          weightSpecs: json.weightsManifest[0].weights,
          weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength)
        })
      )
      const inputs = tfjsInputs(net, batch)
      const output = model.predict(inputs.length === 1 ? inputs[0] : inputs) as tf.Tensor
      expect(output.shape).toEqual(expected.shape)
      const tfjsDiff = maxAbsDiff(output.dataSync(), expected.values)
      tf.dispose([output, ...inputs])
      model.dispose()

      // ONNX: the .onnx files on disk in onnxruntime.
      const [rows, steps] = batch.xShape
      const x =
        net.task.input.type === 'tokens'
          ? int64(batch.x, [rows, steps])
          : new ort.Tensor('float32', Float32Array.from(batch.x), batch.xShape)
      let onnxDiff: number
      if (!net.task.decoder) {
        const session = await ort.InferenceSession.create(join(dir, 'onnx/model.onnx'))
        const name = result.studio.files.onnx?.models[0].outputs[0].name as string
        const out = (await session.run({ input: x }))[name]
        expect(out.dims).toEqual(expected.shape)
        onnxDiff = maxAbsDiff(out.data as Float32Array, expected.values)
      } else {
        const encoder = await ort.InferenceSession.create(join(dir, 'onnx/encoder.onnx'))
        const decoder = await ort.InferenceSession.create(join(dir, 'onnx/decoder.onnx'))
        // Teacher forcing: the whole target sequence in one decoder run.
        const states = await encoder.run({ input: x })
        const decoderInput = int64(batch.decoderInput as Int32Array, batch.decoderShape as number[])
        const out = await decoder.run({ ...states, decoder_input: decoderInput })
        expect(out.probabilities.dims).toEqual(expected.shape)
        onnxDiff = maxAbsDiff(out.probabilities.data as Float32Array, expected.values)
        // Greedy decoding one step at a time gives the studio's tokens.
        const decoderSpec = net.task.decoder
        const greedy = await onnxGreedy(encoder, decoder, x, rows, decoderSpec)
        expect(Array.from(greedy)).toEqual(
          Array.from(studioGreedy(net, batch, decoderSpec.maxSteps))
        )
      }
      report[c.name] = { tfjs: tfjsDiff, onnx: onnxDiff }
      expect(tfjsDiff).toBeLessThan(1e-4)
      expect(onnxDiff).toBeLessThan(1e-4)
    })
  }

  it('the README examples run in a plain Node program and print what studio predict() answers', async () => {
    const scripts: { name: string; dir: string; file: string }[] = []
    for (const [name, { dir }] of exported) {
      const readme = readFileSync(join(dir, 'README.md'), 'utf8')
      const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1])
      expect(blocks).toHaveLength(2)
      blocks.forEach((code, k) => {
        const file = join(dir, k === 0 ? 'readme-tfjs.mjs' : 'readme-onnx.mjs')
        writeFileSync(file, code)
        scripts.push({ name, dir, file })
      })
    }
    // One process runs every example in turn (starting tfjs once), from its export folder.
    const runner = `
      import { pathToFileURL } from 'node:url'
      const results = []
      const log = console.log
      for (const s of ${JSON.stringify(scripts)}) {
        process.chdir(s.dir)
        const lines = []
        console.log = (...args) => lines.push(args.join(' '))
        try { await import(pathToFileURL(s.file).href) } catch (e) { lines.push('ERROR ' + e.stack) }
        console.log = log
        results.push({ ...s, lines })
      }
      process.stdout.write(JSON.stringify(results))
    `
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', runner],
      { cwd: root, maxBuffer: 1 << 24 }
    )
    const results = JSON.parse(stdout) as ((typeof scripts)[number] & { lines: string[] })[]
    expect(results).toHaveLength(scripts.length)
    for (const r of results) {
      const { studio, net } = exported.get(r.name) as { studio: StudioJson; net: RnnModel }
      expect(r.lines, `${r.file}: ${r.lines.join('\n')}`).toHaveLength(1)
      const printed = JSON.parse(r.lines[0]) as unknown
      const answer: Prediction = predict(net, studio.metadata, exampleInput(studio))
      switch (answer.type) {
        case 'class': {
          const byName = printed as Record<string, number>
          for (const { name, probability } of answer.classes) {
            expect(Math.abs(byName[name] - probability), r.file).toBeLessThan(1e-4)
          }
          break
        }
        case 'values':
          expect(maxAbsDiff(printed as number[], answer.values), r.file).toBeLessThan(1e-4)
          break
        case 'next-token': {
          const top = printed as [string, number][]
          expect(top.map(([token]) => token)).toEqual(answer.tokens.slice(0, 5).map((t) => t.token))
          expect(
            maxAbsDiff(
              top.map(([, p]) => p),
              answer.tokens.slice(0, 5).map((t) => t.probability)
            )
          ).toBeLessThan(1e-4)
          break
        }
        case 'sequence':
          expect(printed, r.file).toBe(answer.text)
          break
      }
    }
  }, 120_000)
})

describe('studio.json', () => {
  const read = (name: string): StudioJson =>
    JSON.parse(readFileSync(join(root, slug(name), 'studio.json'), 'utf8')) as StudioJson

  it('records the tokeniser, padding, class names, metrics and files of a classifier', () => {
    const studio = read('lstm, padded tokens, class')
    expect(studio).toMatchObject({
      format: 'rnn-studio-export',
      formatVersion: 1,
      exportedAt: '1970-01-01T00:00:00.000Z',
      run: { id: 7, name: 'lstm, padded tokens, class', step: 3 },
      preprocessing: {
        type: 'tokens',
        level: 'char',
        vocabulary: ['<pad>', 'x', 'y', 'z'],
        unknownId: 1,
        padId: 0,
        padding: 'start',
        steps: 4
      },
      postprocessing: {
        type: 'class',
        classNames: ['starts with x', 'starts with y', 'starts with z']
      },
      shape: { input: { type: 'tokens', vocabSize: 4, padded: true }, head: { type: 'class' } },
      network: { cell: 'lstm', embeddingSize: 3 },
      files: {
        tfjs: {
          file: 'tfjs/model.json',
          weights: ['tfjs/group1-shard1of1.bin'],
          inputs: [{ name: 'input', dtype: 'int32', shape: ['batch', 'steps'] }]
        },
        onnx: {
          opset: 14,
          models: [
            {
              role: 'model',
              file: 'onnx/model.onnx',
              inputs: [{ name: 'input', dtype: 'int64' }],
              outputs: [{ name: 'probabilities', shape: ['batch', 3] }]
            }
          ]
        }
      }
    })
    expect(Object.keys(studio.metrics)).toEqual(expect.arrayContaining(['loss', 'val_loss']))
    expect(studio.metrics).not.toHaveProperty('steps_per_second')
    expect(studio.run.valLoss).toBe(studio.metrics.val_loss)
  })

  it('records start/end tokens and the two ONNX graphs of an encoder–decoder', () => {
    const studio = read('seq2seq gru, one-hot')
    expect(studio.postprocessing).toEqual({
      type: 'sequence',
      targetVocabulary: ['<pad>', '<start>', '<end>', 'a', 'b', 'c'],
      startId: 1,
      endId: 2,
      maxSteps: 4
    })
    expect(studio.files.onnx?.models.map((m) => [m.role, m.file])).toEqual([
      ['encoder', 'onnx/encoder.onnx'],
      ['decoder', 'onnx/decoder.onnx']
    ])
    expect(studio.files.onnx?.models[1].inputs.map((t) => t.name)).toEqual(['decoder_input', 'h_1'])
    expect(studio.files.onnx?.models[1].outputs.map((t) => t.name)).toEqual([
      'probabilities',
      'h_1_next'
    ])
    // No embedding: the tfjs model reads one-hot rows of both vocabularies.
    expect(studio.files.tfjs?.inputs.map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ['input', 'float32', ['batch', 'steps', 4]],
      ['decoder_input', 'float32', ['batch', 'steps', 6]]
    ])
  })

  it('records the target scale of a regression and writes every file', () => {
    const dir = join(root, slug('rnn relu, features, regression'))
    const studio = read('rnn relu, features, regression')
    expect(studio.preprocessing).toEqual({
      type: 'features',
      names: ['value'],
      normalisation: null,
      inputScale: null,
      steps: 5
    })
    expect(studio.postprocessing).toEqual({
      type: 'regression',
      targetScale: { mean: 0, std: 2 },
      targetName: null
    })
    expect(readdirSync(dir, { recursive: true }).map(String).sort()).toEqual(
      expect.arrayContaining([
        'README.md',
        'onnx',
        'onnx/model.onnx',
        'studio.json',
        'tfjs',
        'tfjs/group1-shard1of1.bin',
        'tfjs/model.json'
      ])
    )
  })

  it('spells the word tokeniser’s pattern as tasks/tokens.ts does', () => {
    const text = "Don't stop—O'Brien said: 3 cafés!\nNext line"
    expect(text.match(new RegExp(WORD_PATTERN, 'gu'))).toEqual(wordTokens(text))
  })
})

describe('export refusals', () => {
  const checkpoint = () => (trained.get('seq2seq gru, one-hot') as TrainedCase).checkpoint

  it('refuses a folder that exists and is not empty, leaving it as it was', async () => {
    const dir = join(root, 'taken')
    mkdirSync(dir)
    writeFileSync(join(dir, 'keep.txt'), 'mine')
    await expect(exportRun(checkpoint(), { format: 'all', outDir: dir })).rejects.toMatchObject({
      code: 'TARGET_EXISTS',
      message: expect.stringMatching(/already exists and is not empty/)
    })
    expect(readdirSync(dir)).toEqual(['keep.txt'])
  })

  it('refuses a folder it cannot create, leaving nothing behind', async () => {
    const blocker = join(root, 'a-file')
    writeFileSync(blocker, '')
    const before = readdirSync(root).sort()
    await expect(
      exportRun(checkpoint(), { format: 'onnx', outDir: join(blocker, 'deep', 'export') })
    ).rejects.toMatchObject({
      code: 'TARGET_UNWRITABLE',
      message: expect.stringMatching(/Cannot write the export to .*a folder on the path is a file/)
    })
    expect(readdirSync(root).sort()).toEqual(before)
  })

  it('refuses ONNX for a per-step head over masked inputs before writing anything', async () => {
    // No task builds this network today; tfjs represents it, ONNX's operators do not.
    const task = {
      ...patternTask(4),
      input: { type: 'tokens', vocabSize: 3, padded: true } as const
    }
    const masked = untrainedCheckpoint({ cell: 'gru', layers: [{ units: 2 }] }, task)
    for (const format of ['onnx', 'all'] as const) {
      const dir = join(root, `refused-${format}`)
      await expect(exportRun(masked, { format, outDir: dir })).rejects.toMatchObject({
        code: 'UNSUPPORTED',
        message: expect.stringMatching(/^ONNX export cannot represent a per-step head/)
      })
      expect(existsSync(dir)).toBe(false)
    }
    const tfjs = await exportRun(masked, { format: 'tfjs', outDir: join(root, 'masked-tfjs') })
    expect(tfjs.files).toContain('tfjs/model.json')
  })

  it('exports into an existing empty folder, and only the asked format', async () => {
    const dir = join(root, 'empty')
    mkdirSync(dir)
    const result = await exportRun(checkpoint(), { format: 'onnx', outDir: dir })
    expect(result.files).toEqual([
      'README.md',
      'onnx/decoder.onnx',
      'onnx/encoder.onnx',
      'studio.json'
    ])
    expect(existsSync(join(dir, 'tfjs'))).toBe(false)
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).not.toMatch(/## TensorFlow\.js/)
  })
})
