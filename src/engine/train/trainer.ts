/**
 * The training loop. One function, read top to bottom (nanoGPT's train.py):
 *
 *   evaluate (every evalEvery steps) → checkpoint (every checkpointEvery steps, when validation
 *   improves, and before stopping) → stop? → control (pause/stop) → draw a batch → forward, loss →
 *   gradients → clip by global norm → optimiser step → log (every logEvery steps)
 *
 * Reproducibility: the same config, seed, data and backend give the same metrics. Every random
 * draw is seeded: initial weights from `seed`, batches from a generator whose state each
 * checkpoint stores, dropout masks from `(seed, step, site)` (tfjs's own Dropout layer reuses one
 * mask for ever when seeded, so the eager pass draws its own), text samples from `(seed, step)`.
 * The learning rate is a pure function of the step. A run stopped at step k and resumed from its
 * checkpoint therefore produces exactly the metrics the uninterrupted run would have: `trainBatch`
 * depends only on the generator it is given and the step (text windows draw from the generator;
 * example tasks take stream position `step × batchSize` of a seeded per-epoch permutation).
 *
 * Engines (issue #6): the tfjs-layers graph, or a fused engine (`fused-step.ts`) that keeps the
 * weights and the optimiser state in its own arrays while it trains. The model is then brought
 * up to date only when something reads it, through `trainedModel()`; checkpoints hold the same
 * weights and optimiser layout either way, so a run resumes on any engine.
 */
import * as tf from '@tensorflow/tfjs'
import type { MetricPoint } from '../../shared/domain/run'
import type { RunConfig } from '../../shared/domain/run-config'
import type { FusedKernels } from '../fused/kernels'
import type { RnnModel } from '../model/build-model'
import { buildModel, summarise } from '../model/build-model'
import { disposeInputs, forward, toModelInputs } from '../model/forward'
import { deriveSeed, Random } from '../tasks/random'
import type { Batch, OutputHead, PreparedTask } from '../tasks/types'
import { packModelWeights, setModelWeights } from './checkpoint'
import { clipByGlobalNorm, globalNorm, groupNorms, squaredNorms } from './clip'
import { computeDiagnostics, headRows, PROBE_ROWS } from './diagnostics'
import { chooseTrainEngine, type TrainEngine } from './fused-step'
import { evaluate, finalEvaluation, previewPredictions } from './evaluate'
import { disposeTargets, headLoss, toTargets } from './loss'
import {
  createOptimizer,
  disposeOptimizer,
  packOptimizerState,
  restoreOptimizerState,
  setLearningRate
} from './optimizers'
import { decodeTokens, sampleText, tokenLevel } from './sample'
import { learningRateAt } from './schedule'
import type { CheckpointData, FinalEvaluation, TrainerHooks, TrainResult } from './types'

export interface TrainOptions {
  /** Continue from this checkpoint: weights, optimiser state, step, batch sampler, best validation loss, patience. */
  resume?: CheckpointData
  /** With `resume`, the weights of an earlier best checkpoint (the end-of-run evaluation uses them). */
  resumeBest?: { step: number; weights: Uint8Array }
  /** The compute backend in use, recorded in checkpoints (the caller activates it). */
  backendName: string
  /** Clock in milliseconds since the epoch: metric times, throughput and the time budget. */
  now?: () => number
  /** Tokens in the text sample written at each evaluation of a text-generation task. */
  sampleLength?: number
}

/** Tokens sampled at each evaluation: a paragraph of characters, quick with stepped cells. */
const SAMPLE_LENGTH = 200
/** char-rnn's favourite: a little more conservative than the model's own distribution. */
const SAMPLE_TEMPERATURE = 0.8
/** Tokens of validation text that prime each sample. */
const PRIME_TOKENS = 16

/** What a checkpoint must carry for a resumed run to continue exactly. */
interface RunState {
  /** Optimiser steps taken. */
  step: number
  bestValLoss: number | null
  evalsWithoutImprovement: number
  lastValLoss: number | null
}

/**
 * Trains `task` with `config` and reports through `hooks`; resolves when the run completes, is
 * stopped through `hooks.control()`, or fails (a non-finite loss). Disposes everything it makes.
 */
export async function trainRun(
  config: RunConfig,
  task: PreparedTask,
  hooks: TrainerHooks,
  options: TrainOptions
): Promise<TrainResult> {
  const training = config.training
  const now = options.now ?? Date.now
  const net = buildModel(config.network, task, training.seed)
  // The tfjs-layers path's optimiser; a fused engine keeps its own on arrays.
  const optimizer = createOptimizer(training)
  const names = variableNames(net)
  // Which engine computes the steps (issue #6); chosen in the try below, so it is disposed.
  let engine: TrainEngine = { stepper: null, name: 'tfjs-layers' }
  const random = new Random(deriveSeed(training.seed, 'batches'))
  const dropoutSeeds = deriveSeed(training.seed, 'dropout')
  const run: RunState = {
    step: 0,
    bestValLoss: null,
    evalsWithoutImprovement: 0,
    lastValLoss: null
  }
  const validation = task.validationBatches(training.batchSize)
  // Tasks order their validation examples so that any prefix is a fair sample (class folders are
  // shuffled, series and text are contiguous): the first evalBatches stand for the whole split.
  const evalSet = validation.slice(0, training.evalBatches)
  const probe = validation.length > 0 ? headRows(validation[0], PROBE_ROWS) : null
  const epochOf = (step: number): number =>
    (step * training.batchSize) / Math.max(task.trainSize, 1)
  const points = (step: number, metrics: Record<string, number>): MetricPoint[] =>
    Object.entries(metrics).map(([name, value]) => ({
      step,
      epoch: epochOf(step),
      name,
      value,
      time: now()
    }))

  let lastCheckpointStep = -1
  let resumedAt = -1
  // The weights of the best evaluation so far: the end-of-run evaluation reports these (what an
  // export of the best checkpoint gives), not whatever the last step left after overfitting.
  let best: { step: number; weights: ReturnType<typeof packModelWeights> } | null = null
  // The model as training left it. A fused engine updates its own copy of the weights and writes
  // them into the model only here, so everything that reads the model during the run (evaluation,
  // diagnostics, samples, checkpoints, the best-weights snapshot, the final evaluation) takes it
  // from here. Free when no step ran since the last call.
  const trainedModel = (): RnnModel => {
    engine.stepper?.syncModel()
    return net
  }
  const writeCheckpoint = async (isBest: boolean): Promise<void> => {
    const weights = packModelWeights(trainedModel())
    const slots = engine.stepper
      ? engine.stepper.packOptimizerState()
      : await packOptimizerState(optimizer, names.stable)
    await hooks.onCheckpoint({
      step: run.step,
      epoch: epochOf(run.step),
      weights: weights.data,
      optimizerState: slots.data,
      valLoss: run.lastValLoss,
      isBest,
      meta: {
        format: 1,
        config,
        task: task.metadata,
        taskShape: {
          input: task.input,
          head: task.head,
          steps: task.steps,
          ...(task.decoder ? { decoder: task.decoder } : {})
        },
        weights: weights.manifest,
        optimizer: slots.manifest,
        bestValLoss: run.bestValLoss,
        evalsWithoutImprovement: run.evalsWithoutImprovement,
        rngState: random.state,
        backend: engine.stepper ? `${options.backendName} + ${engine.name}` : options.backendName
      }
    })
    lastCheckpointStep = run.step
  }

  try {
    if (options.resume) {
      restoreWeights(options.resume, config, net)
      const meta = options.resume.meta
      run.step = options.resume.step
      run.bestValLoss = meta.bestValLoss
      run.evalsWithoutImprovement = meta.evalsWithoutImprovement
      run.lastValLoss = options.resume.valLoss
      random.state = meta.rngState
      const bestWeights = options.resume.isBest
        ? options.resume.weights
        : options.resumeBest?.weights
      const bestStep = options.resume.isBest ? options.resume.step : options.resumeBest?.step
      if (bestWeights && bestStep !== undefined) {
        best = { step: bestStep, weights: { data: bestWeights, manifest: meta.weights } }
      }
      // The checkpoint already holds this step's evaluation and is this step's checkpoint.
      resumedAt = lastCheckpointStep = run.step
      hooks.log?.(`resumed at step ${run.step} from a checkpoint written on ${meta.backend}`)
    }
    // After the weights are restored: a fused engine starts from a copy of them.
    engine = await chooseTrainEngine(training, net, (line) => hooks.log?.(line))
    hooks.onEngine?.(engine.name)
    // The optimiser state goes to whichever engine trains: both read the same layout.
    const resume = options.resume
    if (resume?.optimizerState) {
      const packed = { data: resume.optimizerState, manifest: resume.meta.optimizer }
      if (engine.stepper) engine.stepper.restoreOptimizerState(packed)
      else await restoreOptimizerState(optimizer, packed, names.variable)
    }
    hooks.log?.(
      `training ${summarise(net).totalParams} parameters on ${options.backendName}, ` +
        `${task.trainSize} training examples, batch ${training.batchSize}`
    )
    if (config.network.bidirectional && task.head.type === 'tokens-per-step' && !task.decoder) {
      hooks.log?.(
        'warning: a bidirectional next-token model sees the token it must predict through its backward direction; its loss will look better than it generates'
      )
    }

    const startedAt = now()
    let session = { steps: 0, ms: 0 }
    let window = { steps: 0, ms: 0 }
    let lastTrainMetrics: Record<string, number> = {}
    let lastValMetrics: Record<string, number> = {}
    let status: TrainResult['status'] = 'completed'
    let reason = ''
    let error: string | undefined

    for (;;) {
      const step = run.step

      // 1. Evaluate, checkpoint, and decide whether the run is over.
      const limit = limitReached(config, epochOf(step), step, (now() - startedAt) / 1000)
      let improved = false
      if (step !== resumedAt && evalSet.length > 0 && (step % training.evalEvery === 0 || limit)) {
        const model = trainedModel()
        lastValMetrics = evaluate(model, task, evalSet).metrics
        hooks.onMetrics(points(step, lastValMetrics))
        const valLoss = lastValMetrics.val_loss
        improved = run.bestValLoss === null || valLoss < run.bestValLoss
        if (improved) {
          run.bestValLoss = valLoss
          best = { step, weights: packModelWeights(model) }
        }
        run.evalsWithoutImprovement = improved ? 0 : run.evalsWithoutImprovement + 1
        run.lastValLoss = valLoss
        if (probe) {
          reportSamples(model, task, probe, step, training.seed, hooks, {
            sampleLength: options.sampleLength,
            kernels: engine.stepper?.kernels ?? null
          })
        }
      }
      const patience = training.earlyStoppingPatience
      const stop =
        limit ??
        (patience > 0 && run.evalsWithoutImprovement >= patience
          ? `early stopping: validation loss has not improved for ${patience} evaluations (best ${run.bestValLoss?.toFixed(4)})`
          : null)
      const due = step % training.checkpointEvery === 0 || improved || stop !== null
      if (step > 0 && step !== lastCheckpointStep && due) await writeCheckpoint(improved)
      if (stop) {
        reason = stop
        break
      }

      // 2. Between steps: pause (control resolves later) or stop (checkpoint first).
      if ((await hooks.control()) === 'stop') {
        if (step !== lastCheckpointStep) await writeCheckpoint(false)
        status = 'stopped'
        reason = 'stopped by the user'
        break
      }

      // 3. One optimiser step.
      const started = now()
      const batch = task.trainBatch(training.batchSize, () => random.next(), step)
      const lr = learningRateAt(training, step)
      const stepOptions = {
        clipNorm: training.clipNorm,
        dropoutSeed: deriveSeed(dropoutSeeds, step),
        layerOf: names.layer
      }
      let outcome: StepOutcome
      if (engine.stepper) {
        outcome = engine.stepper.step(batch, lr, stepOptions)
      } else {
        setLearningRate(optimizer, lr)
        outcome = trainStep(net, optimizer, task.head, batch, stepOptions)
      }
      if (!Number.isFinite(outcome.loss) || !Number.isFinite(outcome.gradNorm)) {
        status = 'failed'
        reason = 'the loss diverged'
        error = divergenceMessage(step + 1, outcome, lr, training.clipNorm)
        break
      }
      run.step = step + 1
      const elapsed = now() - started
      session = { steps: session.steps + 1, ms: session.ms + elapsed }
      window = { steps: window.steps + 1, ms: window.ms + elapsed }

      // 4. Log.
      if (run.step % training.logEvery === 0) {
        lastTrainMetrics = {
          loss: outcome.loss,
          lr,
          grad_norm: outcome.gradNorm,
          grad_norm_clipped: outcome.clipped ? 1 : 0,
          ...Object.fromEntries(
            Object.entries(outcome.layerNorms).map(([layer, norm]) => [`grad_norm/${layer}`, norm])
          ),
          ...throughput(window, training.batchSize, task.steps)
        }
        hooks.onMetrics(points(run.step, lastTrainMetrics))
        window = { steps: 0, ms: 0 }
      }
    }

    let evaluation: FinalEvaluation | null = null
    if (status !== 'failed' && validation.length > 0) {
      // A resumed run gets its best weights from the host; without them (no evaluation improved
      // yet) the last weights are evaluated, and the evaluation's step says so.
      const evaluatedStep = best && best.step !== run.step ? best.step : run.step
      // Brought up to date first, so that the best weights set next are what is evaluated.
      const model = trainedModel()
      if (best && best.step !== run.step) setModelWeights(model, best.weights)
      evaluation = { ...finalEvaluation(model, task, validation), step: evaluatedStep }
      hooks.onSample(run.step, { type: 'evaluation', evaluation })
    }
    const speed = throughput(session, training.batchSize, task.steps)
    hooks.log?.(`${status} at step ${run.step}: ${reason}`)
    return {
      status,
      reason,
      steps: run.step,
      bestValLoss: run.bestValLoss,
      finalMetrics: { ...lastTrainMetrics, ...lastValMetrics, ...evaluation?.metrics },
      evaluation,
      stepsPerSecond: speed.steps_per_second ?? 0,
      timestepsPerSecond: speed.timesteps_per_second ?? 0,
      engine: engine.name,
      ...(error ? { error } : {})
    }
  } finally {
    engine.stepper?.dispose()
    disposeOptimizer(optimizer)
    net.model.dispose()
  }
}

/** Why the run must end at this step (maxSteps, maxEpochs, time budget), or null. */
function limitReached(
  config: RunConfig,
  epoch: number,
  step: number,
  seconds: number
): string | null {
  const { maxSteps, maxEpochs, timeBudgetSeconds } = config.training
  if (step >= maxSteps) return `reached maxSteps (${maxSteps})`
  if (maxEpochs > 0 && epoch >= maxEpochs) return `reached maxEpochs (${maxEpochs})`
  if (timeBudgetSeconds > 0 && seconds >= timeBudgetSeconds) {
    return `used the time budget (${timeBudgetSeconds} s)`
  }
  return null
}

export interface StepOutcome {
  loss: number
  /** Global gradient norm before clipping. */
  gradNorm: number
  clipped: boolean
  /** Gradient norm of each layer's weights (before clipping). */
  layerNorms: Record<string, number>
}

/**
 * Forward, loss, gradients, clipping and the optimiser update for one batch. The update is
 * skipped when the loss or the gradient norm is not finite (the caller fails the run).
 */
export function trainStep(
  net: RnnModel,
  optimizer: tf.Optimizer,
  head: OutputHead,
  batch: Batch,
  options: { clipNorm: number; dropoutSeed: number; layerOf: Map<string, string> }
): StepOutcome {
  const inputs = toModelInputs(net, batch)
  const targets = toTargets(head, batch)
  const variables = net.model.trainableWeights.map((w) => w.read() as tf.Variable)
  const { value, grads: found } = tf.variableGrads(() => {
    const logits = forward(net, inputs, { dropoutSeed: options.dropoutSeed }).logits
    return headLoss(head, logits, targets)
  }, variables)
  // Every variable, always in the same order: tfjs optimisers match their slots to gradients by
  // position, so a missing gradient would hand one weight another's Adam moments.
  const grads: tf.NamedTensorMap = {}
  for (const v of variables) grads[v.name] = found[v.name] ?? tf.zerosLike(v)
  const loss = value.dataSync()[0]
  const squared = squaredNorms(grads)
  const gradNorm = globalNorm(squared)
  let clipped = false
  if (Number.isFinite(loss) && Number.isFinite(gradNorm)) {
    const clip = clipByGlobalNorm(grads, gradNorm, options.clipNorm)
    optimizer.applyGradients(clip.grads)
    clipped = clip.clipped
    if (clipped) tf.dispose(Object.values(clip.grads))
  }
  tf.dispose([value, ...Object.values(grads)])
  disposeTargets(targets)
  disposeInputs(inputs)
  const layerNorms = groupNorms(squared, (name) => options.layerOf.get(name) ?? name)
  return { loss, gradNorm, clipped, layerNorms }
}

function divergenceMessage(
  step: number,
  outcome: StepOutcome,
  lr: number,
  clipNorm: number
): string {
  const what = Number.isFinite(outcome.loss)
    ? `the gradient norm became ${outcome.gradNorm}`
    : `the loss became ${outcome.loss}`
  const clipping =
    clipNorm > 0
      ? `lower clipNorm (now ${clipNorm}; 1 is a safe start)`
      : 'enable gradient clipping (clipNorm 1–5; it is off)'
  return `Training diverged at step ${step}: ${what}. Lower the learning rate (now ${lr}), or ${clipping}. Check the data for extreme or missing values too.`
}

/** Steps and input time steps per second over a stretch of training time. */
function throughput(
  span: { steps: number; ms: number },
  batchSize: number,
  steps: number
): Record<string, number> {
  if (span.ms <= 0 || span.steps === 0) return {}
  const perSecond = (span.steps * 1000) / span.ms
  return { steps_per_second: perSecond, timesteps_per_second: perSecond * batchSize * steps }
}

/** Name maps for one built network: tfjs's process-unique variable names ↔ stable names, and layers. */
function variableNames(net: RnnModel): {
  stable: Map<string, string>
  variable: Map<string, string>
  layer: Map<string, string>
} {
  const stable = new Map<string, string>()
  const variable = new Map<string, string>()
  const layer = new Map<string, string>()
  for (const w of net.model.weights) {
    stable.set(w.name, w.originalName)
    variable.set(w.originalName, w.name)
  }
  const visit = (layers: tf.layers.Layer[], owner: string | null): void => {
    for (const l of layers) {
      // A nested model (the encoder of an encoder–decoder) reports its own layers.
      if (l instanceof tf.LayersModel) visit(l.layers, null)
      else for (const w of l.weights) layer.set(w.name, owner ?? l.name)
    }
  }
  visit(net.model.layers, null)
  return { stable, variable, layer }
}

/** The checkpoint's weights into the model (its optimiser state goes to the chosen engine). */
function restoreWeights(checkpoint: CheckpointData, config: RunConfig, net: RnnModel): void {
  const saved = checkpoint.meta.config.training.optimizer
  if (saved !== config.training.optimizer) {
    throw new Error(
      `The checkpoint was trained with ${saved}, not ${config.training.optimizer}: resume with the same optimiser.`
    )
  }
  setModelWeights(net, { data: checkpoint.weights, manifest: checkpoint.meta.weights })
}

/** Diagnostics, and a text sample or a prediction preview, for one evaluation. */
function reportSamples(
  net: RnnModel,
  task: PreparedTask,
  probe: Batch,
  step: number,
  seed: number,
  hooks: TrainerHooks,
  sampling: { sampleLength?: number; kernels: FusedKernels | null }
): void {
  const sampleLength = sampling.sampleLength ?? SAMPLE_LENGTH
  hooks.onSample(step, {
    type: 'diagnostics',
    diagnostics: computeDiagnostics(net, task, probe, step)
  })
  if (task.kind === 'text-generation' && task.input.type === 'tokens') {
    const steps = probe.xShape[1]
    const ids = Array.from(probe.x.subarray(0, Math.min(PRIME_TOKENS, steps)))
    const prime = decodeTokens(ids, task.metadata.vocabulary ?? [], tokenLevel(task.metadata))
    const text = sampleText(
      net,
      task.metadata,
      {
        prime,
        length: sampleLength,
        temperature: SAMPLE_TEMPERATURE,
        topK: 0,
        seed: deriveSeed(deriveSeed(seed, 'sample'), step)
      },
      // The engine that trains also samples: a 200-character sample costs milliseconds.
      sampling.kernels
    )
    hooks.onSample(step, { type: 'text', prime, temperature: SAMPLE_TEMPERATURE, text })
    return
  }
  const preview = previewPredictions(net, task, probe)
  if (preview) hooks.onSample(step, preview)
}
