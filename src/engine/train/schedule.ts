/**
 * Learning-rate schedules as pure functions of the step, so a resumed run continues on the same
 * curve with nothing to save.
 */
import type { TrainConfig } from '../../shared/domain/train-config'

/**
 * The learning rate for optimiser step `step` (0-based: the rate the first update uses is step 0).
 *
 * - `constant`: `lr`.
 * - `step`: `lr · gamma^⌊step / every⌋` (char-rnn's decay).
 * - `cosine` (nanoGPT `get_lr`): linear warm-up `lr · (step + 1) / (warmupSteps + 1)` for
 *   `step < warmupSteps`, then `min + ½(1 + cos(π·r))·(lr − min)` with
 *   `r = (step − warmupSteps) / (maxSteps − warmupSteps)` clamped to [0, 1] and `min = minFactor · lr`.
 */
export function learningRateAt(
  training: Pick<TrainConfig, 'learningRate' | 'schedule' | 'maxSteps'>,
  step: number
): number {
  const lr = training.learningRate
  const schedule = training.schedule
  switch (schedule.type) {
    case 'constant':
      return lr
    case 'step':
      return lr * Math.pow(schedule.gamma, Math.floor(step / schedule.every))
    case 'cosine': {
      if (step < schedule.warmupSteps) return (lr * (step + 1)) / (schedule.warmupSteps + 1)
      const span = training.maxSteps - schedule.warmupSteps
      const ratio = span <= 0 ? 1 : Math.min(1, (step - schedule.warmupSteps) / span)
      const min = schedule.minFactor * lr
      return min + 0.5 * (1 + Math.cos(Math.PI * ratio)) * (lr - min)
    }
  }
}
