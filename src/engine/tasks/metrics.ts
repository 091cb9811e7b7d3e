/** Metric arithmetic for the baselines, with the same names the training loop reports. */

/**
 * Regression errors of `predicted` against `actual`, both in model units, where
 * `data = model * scale.std + scale.mean`:
 * `val_loss` is the MSE in model units (what the network minimises), `val_mae` and `val_rmse` are in
 * the data's units (degrees, passengers), which is what a user can judge.
 */
export function regressionMetrics(
  predicted: ArrayLike<number>,
  actual: ArrayLike<number>,
  scale: { std: number }
): { val_loss: number; val_mae: number; val_rmse: number } {
  let squared = 0
  let absolute = 0
  for (let i = 0; i < actual.length; i++) {
    const d = predicted[i] - actual[i]
    squared += d * d
    absolute += Math.abs(d)
  }
  const mse = squared / actual.length
  return {
    val_loss: mse,
    val_mae: (absolute / actual.length) * scale.std,
    val_rmse: Math.sqrt(mse) * scale.std
  }
}
