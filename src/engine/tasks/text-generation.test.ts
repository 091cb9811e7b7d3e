import { describe, expect, it } from 'vitest'
import { TaskSpec } from '../../shared/domain/task'
import { dataErrorOf } from '../data/test-helpers'
import { Random } from './random'
import { folder, oneFile, plain, readSample, sequence } from './test-helpers'
import { prepareTextGeneration, type TextGenerationSpec } from './text-generation'

function spec(fields: Partial<TextGenerationSpec> = {}): TextGenerationSpec {
  return TaskSpec.parse({ kind: 'text-generation', datasetId: 1, ...fields }) as TextGenerationSpec
}

const options = { seed: 1, validationSplit: 0.2 }
// 30 characters: 24 train (4 × "abcab\n"), 6 validation. Ids by code point: \n 0, a 1, b 2, c 3.
const corpus = 'abcab\n'.repeat(5)

describe('prepareTextGeneration', () => {
  it('builds the character vocabulary from the training split, in code-point order', () => {
    const task = prepareTextGeneration(
      spec({ sequenceLength: 4 }),
      oneFile('c.txt', corpus),
      options
    )
    expect(task.metadata.vocabulary).toEqual(['\n', 'a', 'b', 'c'])
    expect(task.metadata.unknownToken).toBeNull()
    expect(task.input).toEqual({ type: 'tokens', vocabSize: 4, padded: false })
    expect(task.head).toEqual({ type: 'tokens-per-step', vocabSize: 4 })
    expect(task.configuration).toBe('many-to-many')
    expect(task.steps).toBe(4)
    expect(task.metadata.trainTokens).toBe(24)
    expect(task.metadata.validationTokens).toBe(6)
    expect(task.trainSize).toBe(5) // ⌊(24 − 1) / 4⌋ non-overlapping windows
  })

  it('cuts training windows at random offsets: x = window[0..T), y = window[1..T]', () => {
    const task = prepareTextGeneration(
      spec({ sequenceLength: 4 }),
      oneFile('c.txt', corpus),
      options
    )
    // Offsets ⌊r × (24 − 4)⌋: 0 and 19. Text from 19: "b c a b \n" → 2 3 1 2 0.
    const batch = task.trainBatch(2, sequence(0, 0.999), 0)
    expect(batch.x).toBeInstanceOf(Int32Array)
    expect(batch.y).toBeInstanceOf(Int32Array)
    expect(plain(batch)).toEqual({
      x: [1, 2, 3, 1, 2, 3, 1, 2],
      xShape: [2, 4],
      y: [2, 3, 1, 2, 3, 1, 2, 0],
      yShape: [2, 4]
    })
  })

  it('validates on consecutive non-overlapping windows of the last part', () => {
    const text = 'abcab\n'.repeat(4) + 'cabcabcabc' // 34 characters
    const task = prepareTextGeneration(spec({ sequenceLength: 3 }), oneFile('c.txt', text), options)
    // ⌊34 × 0.8⌋ = 27 training characters; validation is the rest, in order.
    expect(text.slice(27)).toBe('cabcabc')
    // Windows of 3 + 1 from offsets 0 and 3: "cab" → "abc" twice (c 3, a 1, b 2).
    const batches = task.validationBatches(8)
    expect(batches).toHaveLength(1)
    expect(plain(batches[0])).toEqual({
      x: [3, 1, 2, 3, 1, 2],
      xShape: [2, 3],
      y: [1, 2, 3, 1, 2, 3],
      yShape: [2, 3]
    })
    expect(task.validationSize).toBe(2)
    expect(task.validationBatches(1)).toHaveLength(2)
    expect(plain(task.validationBatches(8)[0])).toEqual(plain(batches[0]))
  })

  it('reports the unigram cross-entropy of the validation text as the baseline', () => {
    const task = prepareTextGeneration(
      spec({ sequenceLength: 4 }),
      oneFile('c.txt', corpus),
      options
    )
    // Training counts a 8, b 8, c 4, \n 4 (N = 24, V = 4), add-one: p(a) = p(b) = 9/28,
    // p(c) = p(\n) = 5/28. Validation "abcab\n": two a, two b, one c, one \n.
    const expected = -(4 * Math.log(9 / 28) + 2 * Math.log(5 / 28)) / 6
    expect(task.baseline?.metrics.val_loss).toBeCloseTo(expected, 12)
    expect(task.metadata.uniformLoss).toBeCloseTo(Math.log(4), 12)
  })

  it('maps characters only the validation split has to a reserved <unk> id 0', () => {
    const text = 'abab\n'.repeat(8) + 'abzz\n' + 'abab\n' // z only in the last 20%
    const task = prepareTextGeneration(spec({ sequenceLength: 3 }), oneFile('z.txt', text), options)
    expect(task.metadata.vocabulary).toEqual(['<unk>', '\n', 'a', 'b'])
    expect(task.metadata.unknownToken).toBe(0)
    const ids = Array.from(task.validationBatches(100)[0].x)
    expect(ids).toContain(0)
    expect(Number.isFinite(task.baseline?.metrics.val_loss)).toBe(true)
  })

  it('normalises CRLF and joins the files of a folder with a newline', () => {
    const crlf = prepareTextGeneration(
      spec({ sequenceLength: 3 }),
      oneFile('w.txt', 'ab\r\n'.repeat(12)),
      options
    )
    expect(crlf.metadata.vocabulary).toEqual(['\n', 'a', 'b'])
    const joined = prepareTextGeneration(
      spec({ sequenceLength: 3 }),
      folder('books', { 'one.txt': 'abab'.repeat(5), 'two.txt': 'baba'.repeat(5) }),
      options
    )
    const { trainTokens, validationTokens } = joined.metadata as Record<string, number>
    expect(trainTokens + validationTokens).toBe(41) // 20 + '\n' + 20
  })

  it('tokenises words with <unk> at 0 and the most frequent words after it', () => {
    const text = 'the cat sat .\nthe dog sat .\n'.repeat(4) + 'a b c d e f g h i j k\n'.repeat(1)
    const task = prepareTextGeneration(
      spec({ tokens: 'word', sequenceLength: 3, maxVocabulary: 10 }),
      oneFile('w.txt', text + 'the cat sat .\n'.repeat(4)),
      options
    )
    const vocabulary = task.metadata.vocabulary as string[]
    expect(vocabulary).toHaveLength(10)
    expect(vocabulary.slice(0, 7)).toEqual(['<unk>', '\n', '.', 'sat', 'the', 'cat', 'dog'])
    expect(task.metadata.tokens).toBe('word')
    // Rare words past the 9 kept map to <unk>: "k" is the last of the single letters.
    expect(vocabulary).not.toContain('k')
  })

  it('is deterministic for a seed and different across seeds', () => {
    const source = oneFile('c.txt', 'the quick brown fox jumps over the lazy dog\n'.repeat(10))
    const task = prepareTextGeneration(spec({ sequenceLength: 8 }), source, options)
    const draw = (seed: number) => {
      const r = new Random(seed)
      return plain(task.trainBatch(4, () => r.next(), 0))
    }
    expect(draw(5)).toEqual(draw(5))
    expect(draw(5)).not.toEqual(draw(6))
  })

  it('refuses a corpus too short for the sequence length, with the numbers', () => {
    const err = dataErrorOf(() =>
      prepareTextGeneration(spec({ sequenceLength: 64 }), oneFile('short.txt', corpus), {
        seed: 1,
        validationSplit: 0.1
      })
    )
    expect(err.code).toBe('TOO_SHORT')
    expect(err.message).toContain('short.txt has 30 characters')
    expect(err.message).toContain('needs at least 260') // 4 windows of 65
    expect(err.message).toContain('about 650 characters') // 65 / 0.1 for validation
  })

  it('refuses a corpus of one repeated character and a missing dataset', () => {
    const one = dataErrorOf(() =>
      prepareTextGeneration(spec({ sequenceLength: 4 }), oneFile('a.txt', 'a'.repeat(100)), options)
    )
    expect(one.code).toBe('UNRECOGNISED')
    expect(one.message).toContain('single distinct character ("a")')
    const missing = dataErrorOf(() => prepareTextGeneration(spec(), null, options))
    expect(missing.code).toBe('NOT_FOUND')
  })

  it('prepares tiny-shakespeare: 65 characters from the first 90%, unigram ≈ 3.35 nats', async () => {
    const source = await readSample('tiny-shakespeare/input.txt')
    const task = prepareTextGeneration(spec({ sequenceLength: 64 }), source, {
      seed: 42,
      validationSplit: 0.1
    })
    expect(task.input).toEqual({ type: 'tokens', vocabSize: 65, padded: false })
    expect(task.metadata.vocabulary?.slice(0, 2)).toEqual(['\n', ' '])
    expect(task.metadata.trainTokens).toBe(1_003_854)
    expect(task.baseline?.metrics.val_loss).toBeCloseTo(3.347, 3)
    expect(task.metadata.uniformLoss).toBeCloseTo(Math.log(65), 12)
    expect(task.validationSize).toBe(200) // capped
    const batches = task.validationBatches(32)
    expect(batches).toHaveLength(7)
    expect(batches[0].xShape).toEqual([32, 64])
    expect(batches[6].xShape).toEqual([8, 64])
    const r = new Random(1)
    const batch = task.trainBatch(32, () => r.next(), 0)
    expect(batch.x.length).toBe(32 * 64)
    // y is x shifted by one.
    expect(Array.from(batch.x.subarray(1, 64))).toEqual(Array.from(batch.y.subarray(0, 63)))
  })
})
