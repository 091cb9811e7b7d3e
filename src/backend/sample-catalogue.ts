import type { DatasetKind } from '../shared/domain/dataset'

/** A dataset shipped in resources/samples and registered in the store on first start. */
export interface SampleDataset {
  /** Shown in the UI; also the key that keeps registration idempotent. */
  name: string
  kind: DatasetKind
  /** File or folder, relative to resources/samples. */
  path: string
  /** Attribution and licence, condensed from the folder's SOURCE.md (which ships beside the data). */
  notice: string
}

/**
 * The samples the studio offers. Each covers a task family: char-level generation, sequence
 * classification (per-class files and labelled lines) and forecasting (uni- and multivariate).
 */
export const SAMPLE_DATASETS: readonly SampleDataset[] = [
  {
    name: 'Tiny Shakespeare',
    kind: 'text',
    path: 'tiny-shakespeare/input.txt',
    notice: 'Shakespeare, public domain; file from karpathy/char-rnn (MIT).'
  },
  {
    name: 'Names by language',
    kind: 'class-folder',
    path: 'names-by-language',
    notice: 'MIT, © 2017 Sean Robertson (spro/practical-pytorch); see SOURCE.md for the notice.'
  },
  {
    name: 'Sentiment: Amazon reviews',
    kind: 'labelled',
    path: 'sentiment-labelled-sentences/amazon_cells_labelled.txt',
    notice: 'CC BY 4.0, UCI #331; Kotzias, Denil, de Freitas & Smyth, KDD 2015.'
  },
  {
    name: 'Sentiment: IMDB reviews',
    kind: 'labelled',
    path: 'sentiment-labelled-sentences/imdb_labelled.txt',
    notice: 'CC BY 4.0, UCI #331; Kotzias, Denil, de Freitas & Smyth, KDD 2015.'
  },
  {
    name: 'Melbourne daily minimum temperatures',
    kind: 'csv',
    path: 'melbourne-temperatures/daily-min-temperatures.csv',
    notice:
      'Data: Australian Bureau of Meteorology, via the Time Series Data Library (R. J. Hyndman).'
  },
  {
    name: 'Airline passengers',
    kind: 'csv',
    path: 'airline-passengers/airline-passengers.csv',
    notice: 'Box & Jenkins (1976) Series G, via the Time Series Data Library; public-domain facts.'
  },
  {
    name: 'Beijing PM2.5 and weather',
    kind: 'csv',
    path: 'beijing-pm25/pollution.csv',
    notice: 'CC BY 4.0, UCI #381; Liang et al. (2015), Proc. R. Soc. A 471: 20150257.'
  }
]
