/**
 * The contract's `listPresets`: the engine's named presets (engine/tasks/presets.ts) with the
 * dataset ids of this store filled in. A preset names its sample dataset by its catalogue name,
 * since ids are only assigned when the samples are registered; one whose sample is not registered
 * here (a data folder without the samples) is left out rather than offered broken.
 */
import type Database from 'better-sqlite3'
import { PRESETS, type Preset } from '../engine/tasks/presets'
import type { PresetInfo } from '../shared/api/contract'
import { RunConfig } from '../shared/domain/run-config'
import { listDatasets } from '../store'

/** Every preset usable with this store's datasets, in the engine's order. */
export function listPresetInfos(
  db: Database.Database,
  presets: readonly Preset[] = PRESETS
): PresetInfo[] {
  const samples = new Map(
    listDatasets(db)
      .filter((d) => d.isSample)
      .map((d) => [d.name, d.id])
  )
  return presets.flatMap((preset) => {
    const datasetId = preset.sample === null ? undefined : samples.get(preset.sample)
    if (preset.sample !== null && datasetId === undefined) return []
    return [
      {
        name: preset.name,
        description: preset.description,
        sample: preset.sample,
        config: RunConfig.parse(preset.config(datasetId))
      }
    ]
  })
}
