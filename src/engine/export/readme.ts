/**
 * The export folder's README.md: what the model is, which file holds what, and runnable code for
 * TensorFlow.js and onnxruntime that reads studio.json to prepare an example input and to read
 * the answer. The examples are generated for this model's kind (class, values, next token,
 * sequence) and input (token ids, one-hot rows, feature rows), and the tests run them.
 */
import type { TaskShape } from '../model/build-model'
import type { StudioJson } from './studio-json'

/**
 * The example input the README's code runs: a few known tokens (no `<special>` ones) for token
 * models, or `steps` varied rows in the data's units for feature models.
 */
export function exampleInput(studio: StudioJson): string | number[][] {
  const pre = studio.preprocessing
  if (pre.type === 'tokens') {
    const plain = pre.vocabulary.filter((t) => !/^<.+>$/.test(t) && t.trim() !== '')
    const tokens = plain.slice(0, Math.max(1, Math.min(pre.steps, 6)))
    return tokens.join(pre.level === 'word' ? ' ' : '')
  }
  const size = pre.names.length
  return Array.from({ length: pre.steps }, (_, t) =>
    Array.from({ length: size }, (_, k) => {
      // Values a quarter to three quarters of a standard deviation around the mean.
      const z = (((t + k) % 4) - 1.5) / 2
      const stats = pre.normalisation?.[k]
      return round(stats ? stats.mean + z * (stats.std || 1) : z)
    })
  )
}

function round(value: number): number {
  return Number(value.toPrecision(6))
}

export function buildReadme(studio: StudioJson): string {
  const shape = studio.shape
  const title = studio.run.name ?? `${studio.task.kind} model`
  const parts = [
    `# ${title}`,
    '',
    `A recurrent network exported from RNN Studio${studio.studioVersion ? ` ${studio.studioVersion}` : ''}: ${describeNetwork(studio)}, trained for a ${studio.task.kind} task. This is the ${studio.run.isBest ? 'best' : ''}${studio.run.isBest ? ' ' : ''}checkpoint at step ${studio.run.step}${studio.run.valLoss !== null ? ` (validation loss ${studio.run.valLoss.toPrecision(4)})` : ''}.`,
    '',
    '## Files',
    '',
    '| file | what it holds |',
    '| --- | --- |',
    '| `studio.json` | the task and network, how to prepare inputs (`preprocessing`: vocabulary and tokeniser rules, or normalisation statistics), how to read outputs (`postprocessing`: class names, target scale, start/end tokens), each file’s inputs and outputs (`files`), the training config and metrics |',
    ...(studio.files.tfjs
      ? [
          `| \`${studio.files.tfjs.file}\`, ${studio.files.tfjs.weights.map((w) => `\`${w}\``).join(', ')} | TensorFlow.js Layers model (standard Keras layers) |`
        ]
      : []),
    ...(studio.files.onnx
      ? studio.files.onnx.models.map(
          (m) =>
            `| \`${m.file}\` | ONNX (opset ${studio.files.onnx?.opset})${m.role === 'model' ? '' : `: the ${m.role}`} |`
        )
      : []),
    '',
    '## Inputs and outputs',
    '',
    ...describeTensors(studio),
    ...preparationNotes(studio),
    ...(studio.files.tfjs ? tfjsSection(studio, shape) : []),
    ...(studio.files.onnx ? onnxSection(studio) : []),
    ...metricsSection(studio),
    ''
  ]
  return parts.join('\n')
}

function describeNetwork(studio: StudioJson): string {
  const net = studio.network
  const cell = { rnn: `SimpleRNN (${net.activation})`, lstm: 'LSTM', gru: 'GRU' }[net.cell]
  const widths = net.layers.map((l) => l.units).join('–')
  return [
    `${net.bidirectional ? `bidirectional (${net.merge}) ` : ''}${cell}, ${net.layers.length === 1 ? 'one layer' : `${net.layers.length} stacked layers`} of ${widths} units`,
    studio.shape.input.type === 'tokens'
      ? net.embeddingSize > 0
        ? `embedding ${net.embeddingSize}`
        : 'one-hot inputs'
      : null,
    studio.shape.decoder ? 'encoder–decoder' : null
  ]
    .filter((s) => s !== null)
    .join(', ')
}

function describeTensors(studio: StudioJson): string[] {
  const lines: string[] = []
  const list = (label: string, entry: { inputs: TensorLike[]; outputs: TensorLike[] }) => {
    lines.push(`${label}:`, '')
    for (const t of entry.inputs)
      lines.push(`- input \`${t.name}\` ${t.dtype} \`[${t.shape.join(', ')}]\`: ${t.description}`)
    for (const t of entry.outputs)
      lines.push(`- output \`${t.name}\` ${t.dtype} \`[${t.shape.join(', ')}]\`: ${t.description}`)
    lines.push('')
  }
  if (studio.files.tfjs) list('TensorFlow.js', studio.files.tfjs)
  for (const m of studio.files.onnx?.models ?? []) list(`ONNX \`${m.file}\``, m)
  return lines
}

interface TensorLike {
  name: string
  dtype: string
  shape: (number | string)[]
  description: string
}

function preparationNotes(studio: StudioJson): string[] {
  const pre = studio.preprocessing
  const lines = ['## Preparing inputs', '']
  if (pre.type === 'tokens') {
    lines.push(
      `Text becomes token ids as the studio tokenised its training data: ${pre.foldAccents ? 'accents folded, ' : ''}${pre.lowercase ? 'lower-cased, ' : ''}split into ${pre.level === 'word' ? 'words (`preprocessing.wordPattern`, flags `gu`)' : 'characters (code points)'}, each token looked up in \`preprocessing.vocabulary\` (its index is its id)${pre.unknownId !== null ? `, unknown tokens as id ${pre.unknownId}` : ', unknown tokens dropped'}. Inputs longer than ${pre.steps} tokens keep their last ${pre.steps}.`
    )
    if (pre.padId !== null) {
      lines.push(
        '',
        `To batch texts of different lengths, pad them at the start with id ${pre.padId}: padding is masked (the recurrent layers skip it), so a padded row gives the same answer as the row alone. In the one-hot TensorFlow.js input a padding row is all zeros.`
      )
    }
  } else {
    lines.push(
      pre.normalisation
        ? 'Each row holds one value per feature (`preprocessing.names`), normalised as `(x − mean) / std` with `preprocessing.normalisation` (the training split’s statistics).'
        : 'Each row holds one value per feature (`preprocessing.names`), fed as it is.',
      '',
      `The model was trained on windows of ${pre.steps} rows.`
    )
  }
  const post = studio.postprocessing
  lines.push('')
  switch (post.type) {
    case 'class':
      lines.push(
        'The output is one probability per class, in the order of `postprocessing.classNames`.'
      )
      break
    case 'regression':
      lines.push(
        post.targetScale
          ? 'The output is in model units: `y · std + mean` with `postprocessing.targetScale` gives the data’s units.'
          : 'The output is in the data’s units.'
      )
      break
    case 'next-token':
      lines.push(
        'The output is, at every step, the probability of each vocabulary token coming next; the last step’s row predicts the token after the input.'
      )
      break
    case 'sequence':
      lines.push(
        `Decoding is greedy: start from \`postprocessing.startId\` (${post.startId}), feed back the most likely token, stop at \`postprocessing.endId\` (${post.endId}) or after ${post.maxSteps} steps; tokens map to text through \`postprocessing.targetVocabulary\`.`
      )
      break
  }
  lines.push('')
  return lines
}

/** The shared head of both examples: read studio.json and the input helpers. */
function prelude(studio: StudioJson): string[] {
  const lines = [
    "import { readFileSync } from 'node:fs'",
    '',
    "const studio = JSON.parse(readFileSync('studio.json', 'utf8'))",
    'const pre = studio.preprocessing',
    'const post = studio.postprocessing',
    ''
  ]
  if (studio.preprocessing.type === 'tokens') {
    lines.push(
      '/** Text → token ids, with the rules the studio tokenised its training data by. */',
      'function encode(text) {',
      "  if (pre.foldAccents) text = text.normalize('NFD').replace(/\\p{M}/gu, '').normalize('NFC')",
      '  if (pre.lowercase) text = text.toLowerCase()',
      '  const tokens =',
      "    pre.level === 'word' ? (text.match(new RegExp(pre.wordPattern, 'gu')) ?? []) : Array.from(text)",
      '  const index = new Map(pre.vocabulary.map((token, id) => [token, id]))',
      '  const ids = tokens.map((token) => index.get(token) ?? pre.unknownId).filter((id) => id != null)',
      '  return ids.slice(-pre.steps)',
      '}',
      '',
      `const ids = encode(${JSON.stringify(exampleInput(studio))})`
    )
  } else {
    lines.push(
      '/** Rows in the data’s units → what the model reads. */',
      'function normalise(rows) {',
      '  const stats = pre.normalisation',
      '  return rows.map((row) => row.map((v, k) => (stats ? (v - stats[k].mean) / (stats[k].std || 1) : v)))',
      '}',
      '',
      `const rows = ${JSON.stringify(exampleInput(studio))}`
    )
  }
  return lines
}

/** Prints the answer, the same way in both examples. */
function answerLines(studio: StudioJson, values: string, lastRow: string): string[] {
  const post = studio.postprocessing
  switch (post.type) {
    case 'class':
      return [
        `const answer = Object.fromEntries(post.classNames.map((name, i) => [name, ${values}[i]]))`,
        'console.log(JSON.stringify(answer)) // class name → probability'
      ]
    case 'regression':
      return [
        'const scale = post.targetScale',
        `const answer = Array.from(${values}, (y) => (scale ? y * scale.std + scale.mean : y))`,
        'console.log(JSON.stringify(answer)) // in the data’s units'
      ]
    case 'next-token':
      return [
        `const answer = Array.from(${lastRow}, (p, id) => [post.vocabulary[id], p])`,
        '  .sort((a, b) => b[1] - a[1])',
        '  .slice(0, 5)',
        'console.log(JSON.stringify(answer)) // the 5 likeliest next tokens'
      ]
    case 'sequence':
      return []
  }
}

function tfjsSection(studio: StudioJson, shape: TaskShape): string[] {
  const tfjs = studio.files.tfjs as NonNullable<StudioJson['files']['tfjs']>
  const oneHot = shape.input.type === 'tokens' && studio.network.embeddingSize === 0
  const code = [
    "import * as tf from '@tensorflow/tfjs'",
    ...prelude(studio),
    '',
    `const json = JSON.parse(readFileSync('${tfjs.file}', 'utf8'))`,
    `const weights = readFileSync('${tfjs.weights[0]}')`,
    'const model = await tf.loadLayersModel(',
    '  tf.io.fromMemory({',
    '    modelTopology: json.modelTopology,',
    '    weightSpecs: json.weightsManifest[0].weights,',
    '    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength)',
    '  })',
    ')',
    ''
  ]
  if (shape.input.type === 'tokens') {
    code.push(
      ...(oneHot
        ? [
            '/** Token ids as one-hot rows `[1, steps, depth]` (this network has no embedding). */',
            'const tokens = (ids, depth) =>',
            "  tf.oneHot(tf.tensor2d([ids], [1, ids.length], 'int32'), depth, 1, 0, 'float32')",
            `const x = tokens(ids, ${shape.input.vocabSize})`
          ]
        : [
            '/** Token ids as the int32 input `[1, steps]`. */',
            "const tokens = (ids) => tf.tensor2d([ids], [1, ids.length], 'int32')",
            'const x = tokens(ids)'
          ])
    )
  } else {
    code.push('const x = tf.tensor3d([normalise(rows)])')
  }
  if (shape.decoder) {
    code.push(
      '',
      '// Greedy decoding: the model reads the decoder tokens so far and predicts each next one.',
      'const out = [post.startId]',
      'for (let t = 0; t < post.maxSteps; t++) {',
      `  const probabilities = model.predict([x, tokens(out${oneHot ? `, ${shape.decoder.vocabSize}` : ''})])`,
      '  const next = (await probabilities.slice([0, t, 0], [1, 1, -1]).argMax(-1).data())[0]',
      '  if (next === post.endId) break',
      '  out.push(next)',
      '}',
      "console.log(JSON.stringify(out.slice(1).map((id) => post.targetVocabulary[id]).join('')))"
    )
  } else {
    code.push('const output = model.predict(x)', 'const values = await output.data()')
    if (studio.postprocessing.type === 'next-token') {
      code.push(
        'const V = output.shape[2]',
        'const lastRow = values.slice((ids.length - 1) * V, ids.length * V)'
      )
    }
    code.push(...answerLines(studio, 'values', 'lastRow'))
  }
  return [
    '## TensorFlow.js',
    '',
    'In Node with plain `@tensorflow/tfjs` (no native add-on), from this folder:',
    '',
    '```js',
    ...code,
    '```',
    '',
    `With \`@tensorflow/tfjs-node\` installed, \`tf.loadLayersModel('file://${tfjs.file}')\` loads the same files; in a browser, serve this folder and call \`tf.loadLayersModel('${tfjs.file}')\`.`,
    '',
    `Keras: \`tensorflowjs_converter --input_format=tfjs_layers_model --output_format=keras ${tfjs.file} model.h5\` (the converter runs on TensorFlow 2 with Keras 2). The layers are Keras's own${studio.network.cell === 'gru' ? '; the GRU layers are `reset_after=False` (the GRU tfjs trains)' : ''}${shape.input.type === 'tokens' && studio.network.embeddingSize > 0 ? '; token ids enter an `Embedding`' : ''}.${shape.decoder ? " The encoder is a nested model and the decoder layers take its states as extra inputs, as Keras 2 writes them; Keras 3's loader does not read these two conventions." : ''}`,
    ''
  ]
}

function onnxSection(studio: StudioJson): string[] {
  const onnx = studio.files.onnx as NonNullable<StudioJson['files']['onnx']>
  const shape = studio.shape
  const code = ["import * as ort from 'onnxruntime-node'", ...prelude(studio), '']
  const idsTensor =
    "const input = new ort.Tensor('int64', BigInt64Array.from(ids, (id) => BigInt(id)), [1, ids.length])"
  if (shape.decoder) {
    const encoder = onnx.models.find((m) => m.role === 'encoder')?.file
    const decoder = onnx.models.find((m) => m.role === 'decoder')?.file
    code.push(
      `const encoder = await ort.InferenceSession.create('${encoder}')`,
      `const decoder = await ort.InferenceSession.create('${decoder}')`,
      '',
      '// The encoder gives each decoder layer its starting state (h_1, c_1…), named as the',
      '// decoder reads them.',
      idsTensor,
      'let states = await encoder.run({ input })',
      'const out = []',
      'let token = post.startId',
      'for (let t = 0; t < post.maxSteps; t++) {',
      "  const decoderInput = new ort.Tensor('int64', BigInt64Array.of(BigInt(token)), [1, 1])",
      '  const step = await decoder.run({ ...states, decoder_input: decoderInput })',
      '  const p = step.probabilities.data',
      '  token = 0',
      '  for (let v = 1; v < p.length; v++) if (p[v] > p[token]) token = v',
      '  if (token === post.endId) break',
      '  out.push(token)',
      '  // h_1_next → h_1 …: the next step starts from these states.',
      '  states = Object.fromEntries(',
      '    Object.entries(step)',
      "      .filter(([name]) => name.endsWith('_next'))",
      '      .map(([name, value]) => [name.slice(0, -5), value])',
      '  )',
      '}',
      "console.log(JSON.stringify(out.map((id) => post.targetVocabulary[id]).join('')))"
    )
  } else {
    const file = onnx.models[0].file
    const output = onnx.models[0].outputs[0].name
    code.push(`const session = await ort.InferenceSession.create('${file}')`)
    if (shape.input.type === 'tokens') {
      code.push(idsTensor, `const { ${output} } = await session.run({ input })`)
    } else {
      code.push(
        'const x = normalise(rows)',
        "const input = new ort.Tensor('float32', Float32Array.from(x.flat()), [1, x.length, x[0].length])",
        `const { ${output} } = await session.run({ input })`
      )
    }
    if (studio.postprocessing.type === 'next-token') {
      code.push(
        `const V = ${output}.dims[2]`,
        `const lastRow = ${output}.data.slice((ids.length - 1) * V, ids.length * V)`
      )
    }
    code.push(...answerLines(studio, `${output}.data`, 'lastRow'))
  }
  return [
    '## ONNX Runtime',
    '',
    'In Node with `onnxruntime-node`, from this folder:',
    '',
    '```js',
    ...code,
    '```',
    '',
    `The graphs use standard operators only (opset ${onnx.opset}, with ONNX's own \`${{ rnn: 'RNN', lstm: 'LSTM', gru: 'GRU' }[studio.network.cell]}\` operator for the recurrent layers), so onnxruntime in Python or the browser, and other runtimes that implement these operators, take the same inputs by the same names.${shape.input.type === 'tokens' && shape.input.padded ? ' Padding may sit anywhere in a row: the graph moves the real tokens to the front and passes their count to the recurrent operators as `sequence_lens`. A runtime that ignores `sequence_lens` (the `onnx` package’s reference evaluator does) is right only for rows without padding, such as a batch of one.' : ''}`,
    ''
  ]
}

/** Loss and validation metrics; studio.json keeps the rest (gradient norms, learning rate). */
function metricsSection(studio: StudioJson): string[] {
  const entries = Object.entries(studio.metrics).filter(
    ([name]) => name === 'loss' || name.startsWith('val_')
  )
  if (entries.length === 0) return []
  return [
    '## Metrics at this checkpoint',
    '',
    '| metric | value |',
    '| --- | --- |',
    ...entries.map(
      ([name, value]) => `| ${name} | ${value === null ? '—' : Number(value.toPrecision(6))} |`
    ),
    ''
  ]
}
