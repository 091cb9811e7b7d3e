/**
 * Named starting points, nanoGPT's `config/train_shakespeare_char.py` style: a run config per
 * sample dataset or generator, with the reason for each choice beside it.
 *
 * A preset built on a sample cannot know the sample's dataset id: ids are assigned when the store
 * registers the samples on first start. So such a preset names its sample (`sample`, the name in
 * the sample catalogue, src/backend/sample-catalogue.ts) and its `config(datasetId)` takes the id
 * the caller looked up by that name. Generated tasks have `sample: null` and take no id.
 */
import type { RunConfigInput } from '../../shared/domain/run-config'

/** A named run config. */
export interface Preset {
  /** Kebab-case key, e.g. `tiny-shakespeare-char`. */
  name: string
  /** One line for the preset picker: what it trains and what to expect. */
  description: string
  /** The sample dataset's name in the catalogue, or null for generated data. */
  sample: string | null
  /**
   * The run config, ready for `RunConfig.parse`.
   * @param datasetId the id of `sample` in this store; required when `sample` is set
   * @throws Error when a sample preset gets no id (a caller bug, not a user error)
   */
  config(datasetId?: number): RunConfigInput
}

/** A preset over a sample: the config is built around the id once the caller knows it. */
function onSample(
  name: string,
  description: string,
  sample: string,
  build: (datasetId: number) => RunConfigInput
): Preset {
  return {
    name,
    description,
    sample,
    config(datasetId) {
      if (datasetId === undefined) {
        throw new Error(`Preset ${name} trains on the sample "${sample}": pass its dataset id.`)
      }
      return build(datasetId)
    }
  }
}

function generated(name: string, description: string, config: RunConfigInput): Preset {
  return { name, description, sample: null, config: () => structuredClone(config) }
}

export const PRESETS: readonly Preset[] = [
  onSample(
    'tiny-shakespeare-char',
    'Character-level Shakespeare with a one-layer LSTM: small, overfits, fast on a laptop. Expect a validation loss near 1.6 nats/char (unigram: 3.3).',
    'Tiny Shakespeare',
    (datasetId) => ({
      name: 'tiny-shakespeare-char',
      // 64 characters of context: a line of verse and a bit; char-rnn used 50.
      task: { kind: 'text-generation', datasetId, tokens: 'char', sequenceLength: 64 },
      // 128 LSTM units and a 32-wide embedding of 65 characters: ~90k weights, minutes on a CPU.
      network: { cell: 'lstm', layers: [{ units: 128 }], embeddingSize: 32, dropout: 0 },
      training: {
        batchSize: 32,
        learningRate: 2e-3, // char-rnn's Adam rate for small LSTMs
        maxSteps: 3000,
        evalEvery: 200,
        validationSplit: 0.1 // nanoGPT's 90/10 split of the same file
      }
    })
  ),
  onSample(
    'names-classify',
    'Surname → one of 18 languages with a bidirectional GRU over characters (the PyTorch names tutorial). Majority class (Russian) scores about 47%.',
    'Names by language',
    (datasetId) => ({
      name: 'names-classify',
      // All but 26 of the 20,050 names have at most 14 characters (the longest has 20, and
      // keeps its last 14); every step costs the same, padding or not. Accents folded as in the
      // tutorial (ß, é… → ASCII).
      task: { kind: 'classification', datasetId, tokens: 'char', maxLength: 14, foldAccents: true },
      // Bidirectional: a language shows at both ends of a name (Mc-, O'-, -ski, -ov, -ez), and a
      // forward-only RNN has half-forgotten the start by the end. Names are short, so the second
      // direction costs little. GRU: as accurate as an LSTM here with a quarter fewer weights.
      // 64 units a side: 79% of held-out names after 3,000 steps (bench/quality.ts); 128 cost
      // about twice as much per step.
      network: {
        cell: 'gru',
        layers: [{ units: 64 }],
        bidirectional: true,
        embeddingSize: 32,
        dropout: 0.2
      },
      training: {
        batchSize: 32,
        learningRate: 3e-3,
        schedule: { type: 'step', every: 2000, gamma: 0.3 }, // settle for the last 1,000 steps
        maxSteps: 3000,
        evalEvery: 500,
        // The whole validation split (about 2,000 names, 63 batches): it is stored class by
        // class, so the default 10 batches would judge Arabic, Chinese and Czech names only.
        evalBatches: 70
      }
    })
  ),
  onSample(
    'sentiment-amazon',
    'Positive or negative phone review, word by word, with a small LSTM. Only 1,000 sentences: watch it overfit, early stopping ends it.',
    'Sentiment: Amazon reviews',
    (datasetId) => ({
      name: 'sentiment-amazon',
      // Amazon sentences have 10 words and punctuation marks at the median, 23 at the 90th
      // percentile and 36 at most; longer ones keep their last 24, where the verdict usually is.
      task: { kind: 'classification', datasetId, tokens: 'word', maxLength: 24 },
      // Small and heavily regularised: 800 training sentences memorise anything larger, and
      // this one still does within 5 epochs.
      network: { cell: 'lstm', layers: [{ units: 32 }], embeddingSize: 32, dropout: 0.5 },
      training: {
        batchSize: 32,
        // At 3e-3 validation accuracy peaks after 2 epochs and sinks as it memorises; at 1e-3
        // it climbs for 3 epochs and holds near 80% while validation loss rises.
        learningRate: 1e-3,
        maxSteps: 600,
        evalEvery: 20, // less than an epoch (25 batches): early stopping sees the turn
        validationSplit: 0.2, // 200 sentences: a validation accuracy worth reading
        earlyStoppingPatience: 5
      }
    })
  ),
  onSample(
    'sentiment-imdb',
    'Positive or negative movie-review sentence, word by word, with a small LSTM. Harder than the phone reviews: longer sentences, irony, plot words. Expect about 76%.',
    'Sentiment: IMDB reviews',
    (datasetId) => ({
      name: 'sentiment-imdb',
      // 14 words and marks at the median, 31 at the 90th percentile, 85 at most: keep the last 32.
      task: { kind: 'classification', datasetId, tokens: 'word', maxLength: 32 },
      // As sentiment-amazon: 800 training sentences allow no more.
      network: { cell: 'lstm', layers: [{ units: 32 }], embeddingSize: 32, dropout: 0.5 },
      training: {
        batchSize: 32,
        learningRate: 1e-3,
        // No early stopping: validation loss turns up after 4 epochs (the network grows sure of
        // its mistakes) while accuracy still climbs until about epoch 8, then holds near 77%.
        maxSteps: 250,
        evalEvery: 25, // one epoch
        validationSplit: 0.2 // 200 sentences: a validation accuracy worth reading
      }
    })
  ),
  onSample(
    'melbourne-min-forecast',
    'Tomorrow’s minimum temperature in Melbourne from the last 30 days, with a small LSTM. Compare with persistence (yesterday’s value).',
    'Melbourne daily minimum temperatures',
    (datasetId) => ({
      name: 'melbourne-min-forecast',
      task: { kind: 'forecast', datasetId, target: 'Temp', lookback: 30, horizon: 1 },
      // One feature and a month of context: 32 units are plenty.
      network: { cell: 'lstm', layers: [{ units: 32 }] },
      training: {
        batchSize: 32,
        learningRate: 1e-3, // regression on z-scores: steadier below char-rnn's rate
        // Validation MAE flattens near 1.74 °C (persistence: 2.02) by step 600, about 6 epochs.
        maxSteps: 1000,
        evalEvery: 100,
        validationSplit: 0.1 // the last 365 days: 1990, the classic test year
      }
    })
  ),
  onSample(
    'airline-forecast',
    'Next month’s airline passengers from the last 12 months (Box & Jenkins series G), with a tiny GRU. 144 points: trains in seconds, extrapolating the trend is the hard part.',
    'Airline passengers',
    (datasetId) => ({
      name: 'airline-forecast',
      // 12 months of context: the network sees one whole season.
      task: { kind: 'forecast', datasetId, target: 'Passengers', lookback: 12, horizon: 1 },
      // 115 training windows: a tiny network, or it memorises them.
      network: { cell: 'gru', layers: [{ units: 16 }] },
      training: {
        batchSize: 16,
        learningRate: 3e-3,
        maxSteps: 1500,
        evalEvery: 50,
        validationSplit: 0.2 // the last 29 months: two seasons to judge by
      }
    })
  ),
  onSample(
    'beijing-pm25-forecast',
    'Next hour’s PM2.5 in Beijing from 24 hours of pollution and weather, missing values filled and wind direction one-hot.',
    'Beijing PM2.5 and weather',
    (datasetId) => ({
      name: 'beijing-pm25-forecast',
      task: {
        kind: 'forecast',
        datasetId,
        target: 'pm2.5',
        features: ['DEWP', 'TEMP', 'PRES', 'cbwd', 'Iws'],
        lookback: 24,
        horizon: 1
      },
      network: { cell: 'lstm', layers: [{ units: 64 }] },
      training: { batchSize: 64, learningRate: 1e-3, maxSteps: 3000, evalEvery: 100 }
    })
  ),
  generated(
    'adding-problem-lstm',
    'The adding problem at T = 50: sum the two marked numbers. Always answering 1 scores MSE 1/6; an LSTM gets far below, a plain RNN stalls there.',
    {
      name: 'adding-problem-lstm',
      task: { kind: 'synthetic', problem: 'adding', length: 50, examples: 20_000 },
      // Two numbers to keep: 32 cells are plenty, and a step costs a quarter of 64's on a CPU.
      network: { cell: 'lstm', layers: [{ units: 32 }] },
      training: {
        batchSize: 32,
        // At 1e-3 the loss sits on the 1/6 plateau for thousands of steps; at 3e-3 an LSTM
        // finds the marks after ~700 steps and is below MSE 0.01 by ~900 (bench/quality.ts).
        learningRate: 3e-3,
        maxSteps: 1500,
        evalEvery: 100,
        clipNorm: 1 // long sequences: a tighter clip keeps early updates sane
      }
    }
  ),
  generated(
    'sequence-sum',
    'Sum of 10 consecutive integers with a vanilla RNN: the smallest sanity check that training works.',
    {
      name: 'sequence-sum',
      task: { kind: 'synthetic', problem: 'sequence-sum', length: 10, examples: 5_000 },
      // Linear in its inputs and only 10 steps: a plain tanh RNN is enough.
      network: { cell: 'rnn', layers: [{ units: 16 }] },
      training: { batchSize: 32, learningRate: 3e-3, maxSteps: 1000, evalEvery: 50 }
    }
  ),
  generated(
    'copy-first',
    'Remember the first of 50 noisy values: memory through time. Predicting 0 scores MSE 1/3; switch the cell to rnn to watch gradients vanish.',
    {
      name: 'copy-first',
      task: { kind: 'synthetic', problem: 'copy-first', length: 50, examples: 10_000 },
      network: { cell: 'lstm', layers: [{ units: 32 }] },
      training: { batchSize: 64, learningRate: 2e-3, maxSteps: 2000, evalEvery: 100 }
    }
  ),
  generated(
    'dates-seq2seq',
    'Human-written dates (“Sunday, January 15, 2023”, “15.01.2023”…) → ISO 2023-01-15 with an LSTM encoder–decoder.',
    {
      name: 'dates-seq2seq',
      task: { kind: 'seq2seq', source: { type: 'dates', examples: 20_000 } },
      // A date is about 16 bits (year, month, day) for the encoder to carry to the decoder: 64
      // units hold it, at a quarter of 128's cost per step over inputs up to 29 characters long.
      network: { cell: 'lstm', layers: [{ units: 64 }], embeddingSize: 32 },
      training: {
        batchSize: 32,
        // 5e-3 until step 1,000, then a fifth of it to settle. (A cosine decay from the start
        // slows the middle: 91% exact at step 1,500.)
        learningRate: 5e-3,
        schedule: { type: 'step', every: 1000, gamma: 0.2 },
        maxSteps: 1500,
        evalEvery: 250
      }
    }
  ),
  generated(
    'addition-seq2seq',
    'Two-digit addition as text (“12+45” → “57”), the Keras addition RNN: the decoder must carry. Expect every held-out sum right after a few minutes.',
    {
      name: 'addition-seq2seq',
      // All 10,000 two-digit questions, 1,000 of them held out. Keras's example uses three
      // digits and 50,000 questions: ten times the steps for the same lesson.
      task: { kind: 'seq2seq', source: { type: 'addition', digits: 2, examples: 10_000 } },
      // Keras's addition_rnn uses one 128-unit LSTM on each side.
      network: { cell: 'lstm', layers: [{ units: 128 }], embeddingSize: 16 },
      training: {
        batchSize: 64,
        // At a constant 5e-3 it gets 98% of a validation sample exactly right after 1,500 steps,
        // then falls back to 79% at 2,250 before recovering; the cosine decay lets it settle.
        learningRate: 5e-3,
        schedule: { type: 'cosine', warmupSteps: 0, minFactor: 0.05 },
        maxSteps: 2500,
        evalEvery: 250
      }
    }
  )
]

/** The preset called `name`, or undefined. */
export function findPreset(name: string): Preset | undefined {
  return PRESETS.find((p) => p.name === name)
}
