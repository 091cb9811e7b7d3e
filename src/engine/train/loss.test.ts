import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { selectBackend } from '../compute-backend'
import { disposeTargets, headLoss, toTargets } from './loss'

beforeAll(async () => {
  await selectBackend(tf, { force: 'cpu' })
})

function lossOf(...args: Parameters<typeof headLoss>): number {
  const loss = headLoss(...args)
  const value = loss.dataSync()[0]
  loss.dispose()
  return value
}

describe('headLoss', () => {
  it('is ln V for uniform logits over V tokens, and ignores masked steps', () => {
    const head = { type: 'tokens-per-step' as const, vocabSize: 4 }
    // step 0: uniform (ln 4); step 1: logit 0 vs three at −∞-ish for the right token (≈ 0), masked out
    const logits = tf.tensor3d([
      [
        [0, 0, 0, 0],
        [0, -50, -50, -50]
      ]
    ])
    const full = toTargets(head, { y: Int32Array.from([2, 1]), yShape: [1, 2] })
    const masked = toTargets(head, {
      y: Int32Array.from([2, 1]),
      yShape: [1, 2],
      yMask: Float32Array.from([1, 0])
    })
    // unmasked: (ln 4 + (50 + ln(1 + 3e−22·…)) ≈ 50)/2; masked: ln 4 exactly
    expect(lossOf(head, logits, masked)).toBeCloseTo(Math.log(4), 5)
    expect(lossOf(head, logits, full)).toBeCloseTo((Math.log(4) + 50) / 2, 3)
    disposeTargets(full)
    disposeTargets(masked)
    logits.dispose()
  })

  it('is the mean cross-entropy of the rows for a class head', () => {
    const head = { type: 'class' as const, classes: 2 }
    // row 0: p(class 0) = e^0/(e^0+e^0) = ½ → ln 2; row 1: logits [ln 3, 0], true class 0 → −ln ¾
    const logits = tf.tensor2d([
      [0, 0],
      [Math.log(3), 0]
    ])
    const targets = toTargets(head, { y: Int32Array.from([0, 0]), yShape: [2] })
    expect(lossOf(head, logits, targets)).toBeCloseTo((Math.log(2) - Math.log(0.75)) / 2, 5)
    disposeTargets(targets)
    logits.dispose()
  })

  it('is the mean squared error for regression', () => {
    const head = { type: 'regression' as const, size: 2 }
    const predicted = tf.tensor2d([
      [1, 2],
      [3, 4]
    ])
    const targets = toTargets(head, { y: Float32Array.from([1, 0, 0, 4]), yShape: [2, 2] })
    // errors 0, 2, 3, 0 → (0 + 4 + 9 + 0) / 4
    expect(lossOf(head, predicted, targets)).toBeCloseTo(13 / 4, 6)
    disposeTargets(targets)
    predicted.dispose()
  })
})
