/**
 * What a run's samples hold: written by the engine at each evaluation and at the end of a run,
 * stored as JSON by the backend, read back by the renderer (which checks the fields it uses, so a
 * sample of an older format is skipped, not a crash). One definition for both ends.
 */

/** One row of a prediction preview. */
export interface PredictionRow {
  input: string
  target: string
  predicted: string
}

/** A text sample (generation tasks) or a prediction preview (other tasks), stored with its step. */
export type SamplePayload =
  | { type: 'text'; prime: string; temperature: number; text: string }
  | { type: 'predictions'; rows: PredictionRow[] }
  | { type: 'diagnostics'; diagnostics: Diagnostics }
  | { type: 'evaluation'; evaluation: FinalEvaluation }

/** Recorded at each evaluation for the Insight views. */
export interface Diagnostics {
  step: number
  /** ‖∂loss/∂x_t‖ for each time step t of a fixed probe batch: the vanishing-gradient curve. */
  inputGradientNorms: number[]
  /** Hidden states of the last recurrent layer for the probe batch, projected on their first two principal components. */
  hiddenPca: {
    points: [number, number][]
    labels: (string | number)[]
    explainedVariance: [number, number]
  }
  /** Frobenius norm of each weight tensor. */
  weightNorms: Record<string, number>
}

/** End-of-run evaluation on the validation split. */
export interface FinalEvaluation {
  /** The step whose weights were evaluated: the best validation loss's, or the last step's. */
  step?: number
  metrics: Record<string, number>
  baseline: { name: string; metrics: Record<string, number> } | null
  /** Classification: rows = true class, columns = predicted class. */
  confusionMatrix?: number[][]
  classNames?: string[]
  perClass?: { name: string; precision: number; recall: number; support: number }[]
}
