import { z } from 'zod'

/** Store row ids are positive integers; the brand keeps a run id from being passed where a dataset id belongs. */
export const DatasetId = z.number().int().positive().brand<'DatasetId'>()
export type DatasetId = z.infer<typeof DatasetId>

export const RunId = z.number().int().positive().brand<'RunId'>()
export type RunId = z.infer<typeof RunId>
