/**
 * zod issues in words for a form: the schemas decide what is valid (so the designer and the
 * backend agree), this file only says it kindly, next to the field the issue's path names.
 */
import type { z } from 'zod'
import { formatNumber } from '../format'

/** A path as the draft keys its messages: `network.layers.0.units`. */
export function pathKey(path: readonly PropertyKey[]): string {
  return path.map(String).join('.')
}

/** The DOM id of the input editing `path` (`network-layers-0-units`), for labels and links. */
export function fieldId(path: string): string {
  return `field-${path.replaceAll('.', '-')}`
}

/** One issue as a short sentence: "Must be at least 1", "Enter a whole number". */
export function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return 'Enter a whole number'
      if (issue.expected === 'number') return 'Enter a number'
      return 'Required'
    case 'too_small':
      if (issue.origin === 'array') return `Needs at least ${formatNumber(Number(issue.minimum))}`
      if (issue.origin === 'string') return 'Must not be empty'
      return issue.inclusive
        ? `Must be at least ${formatNumber(Number(issue.minimum))}`
        : `Must be more than ${formatNumber(Number(issue.minimum))}`
    case 'too_big':
      if (issue.origin === 'array') return `At most ${formatNumber(Number(issue.maximum))}`
      if (issue.origin === 'string')
        return `At most ${formatNumber(Number(issue.maximum))} characters`
      return issue.inclusive
        ? `Must be at most ${formatNumber(Number(issue.maximum))}`
        : `Must be less than ${formatNumber(Number(issue.maximum))}`
    default:
      return issue.message
  }
}

const LABELS: Record<string, string> = {
  name: 'Run name',
  'task.datasetId': 'Dataset',
  'task.source.datasetId': 'Dataset',
  'task.sequenceLength': 'Sequence length',
  'task.maxVocabulary': 'Vocabulary size',
  'task.target': 'Target column',
  'task.lookback': 'Lookback',
  'task.horizon': 'Horizon',
  'task.maxLength': 'Maximum length',
  'task.source.digits': 'Digits',
  'task.source.examples': 'Examples',
  'task.length': 'Sequence length T',
  'task.examples': 'Examples',
  'network.layers': 'Layers',
  'network.dropout': 'Dropout',
  'network.embeddingSize': 'Embedding size',
  'training.learningRate': 'Learning rate',
  'training.momentum': 'Momentum',
  'training.schedule.every': 'Decay every',
  'training.schedule.gamma': 'Decay factor',
  'training.schedule.warmupSteps': 'Warm-up steps',
  'training.schedule.minFactor': 'Final factor',
  'training.batchSize': 'Batch size',
  'training.maxSteps': 'Max steps',
  'training.maxEpochs': 'Max epochs',
  'training.timeBudgetSeconds': 'Time budget',
  'training.validationSplit': 'Validation split',
  'training.evalEvery': 'Evaluate every',
  'training.evalBatches': 'Evaluation batches',
  'training.earlyStoppingPatience': 'Early-stopping patience',
  'training.clipNorm': 'Clip norm',
  'training.checkpointEvery': 'Checkpoint every',
  'training.logEvery': 'Log every',
  'training.seed': 'Seed'
}

/** The field's name for a list of problems: `network.layers.1.units` → "Layer 2 units". */
export function fieldLabel(path: string): string {
  const layer = /^network\.layers\.(\d+)\.units$/.exec(path)
  if (layer !== null) return `Layer ${Number(layer[1]) + 1} units`
  return LABELS[path] ?? path
}
