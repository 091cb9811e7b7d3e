/**
 * The studio backend: opens the store in a home folder, registers the sample datasets, and
 * implements the API contract once. It knows nothing of transports (IPC, WebSocket) or Electron;
 * those adapt `service` and `events`.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type Database from 'better-sqlite3'
import { activateComputeBackend } from '../engine/compute-backend'
import type { StudioService } from '../shared/api/contract'
import { ApiError } from '../shared/api/errors'
import type { BackendInfo } from '../shared/domain/backend'
import type { DatasetSummary } from '../shared/domain/dataset'
import {
  getDataset,
  listDatasets,
  listRuns,
  markRunningRunsInterrupted,
  openDatabase
} from '../store'
import { DatasetImports, removeStaleImports } from './dataset-import'
import { registerDatasetFromPath, type RegisterOptions } from './dataset-registry'
import { StudioEventBus } from './event-bus'
import { createExportMethods, type ExportMethods } from './export-service'
import { createInferenceMethods, type InferenceMethods } from './inference'
import { homeLayout } from './paths'
import { listPresetInfos } from './presets'
import { childProcessHost, type ProcessHost } from './process-host'
import { createRunMethods } from './run-service'
import { RunSupervisor } from './run-supervisor'
import { SAMPLE_DATASETS } from './sample-catalogue'

/**
 * The trainer process's entry when running from source (CLI, browser mode, tests). Built as a path,
 * not `new URL(…, import.meta.url)`, which a bundler would rewrite into an asset; the Electron app
 * passes its own bundled entry and utilityProcess host instead.
 */
export const TRAINER_ENTRY = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'engine',
  'worker',
  'trainer-process.ts'
)

export interface StudioOptions {
  /** Folder for the database and imported files; created if missing. */
  home: string
  /** The app's resources folder (holds samples/). */
  resourcesDir: string
  /** The studio's version, shown in the UI. */
  version: string
  /** Finds the compute backend training will use; called once, lazily. Default: load tfjs and probe. */
  probeBackend?: () => Promise<BackendInfo>
  /** Starts trainer processes. Default: child_process.fork through tsx. */
  processHost?: ProcessHost
  /** The trainer process's entry module. Default: {@link TRAINER_ENTRY}. */
  trainerEntry?: string
  /** Runs trained at once (default 1). */
  concurrency?: number
  log?: (line: string) => void
}

export interface Studio {
  service: StudioService
  events: StudioEventBus
  db: Database.Database
  home: string
  /** Owns the trainer processes; exposed for shells that need to know what is training. */
  supervisor: RunSupervisor
  /** The networks kept for inference; exposed for tests. */
  inference: InferenceMethods
  /** The export methods, with the CLI's variants that take a folder (export-service.ts). */
  exporter: ExportMethods
  /** Registers a file or folder from a path the *user* chose (CLI argument, Electron dialog). */
  addDatasetFromPath(path: string, options?: RegisterOptions): Promise<DatasetSummary>
  /**
   * Stops live runs gracefully (each writes a checkpoint and ends `stopped`), waiting at most
   * `timeoutMs`, then closes. For a shell that can wait (app quit, Ctrl-C in browser mode).
   */
  shutdown(timeoutMs?: number): Promise<void>
  /** Closes at once: live trainers are killed and their runs left `interrupted` (resumable). */
  close(): void
}

/** Registers every shipped sample that is not in the store yet; returns how many were added. */
export async function registerSamples(
  db: Database.Database,
  resourcesDir: string,
  log: (line: string) => void
): Promise<number> {
  let added = 0
  for (const sample of SAMPLE_DATASETS) {
    const path = join(resourcesDir, 'samples', sample.path)
    if (!existsSync(path)) {
      log(`sample "${sample.name}" is missing at ${path}; skipped`)
      continue
    }
    const { created } = await registerDatasetFromPath(db, path, {
      name: sample.name,
      kind: sample.kind,
      isSample: true,
      notice: sample.notice
    })
    if (created) added++
  }
  return added
}

export async function openStudio(options: StudioOptions): Promise<Studio> {
  const log = options.log ?? (() => {})
  mkdirSync(options.home, { recursive: true })
  const layout = homeLayout(options.home)
  const db = openDatabase(layout.database, { log })
  const interrupted = markRunningRunsInterrupted(db, isOtherLiveProcess)
  if (interrupted > 0)
    log(`${interrupted} run(s) were running when the studio last stopped: marked interrupted`)
  const stale = removeStaleImports(layout.imports, isOtherLiveProcess)
  if (stale > 0) log(`removed ${stale} unfinished import(s) left by an earlier studio process`)
  const added = await registerSamples(db, options.resourcesDir, log)
  if (added > 0) log(`registered ${added} sample dataset(s)`)

  const events = new StudioEventBus((error) => log(`event listener failed: ${String(error)}`))
  const imports = new DatasetImports({
    db,
    datasetsDir: layout.datasets,
    stagingDir: join(layout.imports, String(process.pid)),
    onAdded: () => events.emit('datasetsChanged', {})
  })
  // One activation per process: getStudioInfo reports it, inference needs it before tfjs runs.
  let backendInfo: Promise<BackendInfo> | null = null
  const activateBackend = (): Promise<BackendInfo> =>
    (backendInfo ??= (options.probeBackend ?? activateComputeBackend)())
  const supervisor = new RunSupervisor({
    db,
    events,
    processHost: options.processHost ?? childProcessHost(),
    trainerEntry: options.trainerEntry ?? TRAINER_ENTRY,
    concurrency: options.concurrency,
    log
  })

  const inference = createInferenceMethods({ db, events, activateBackend })
  const exporter = createExportMethods({
    db,
    home: options.home,
    version: options.version,
    activateBackend
  })

  const service: StudioService = {
    async getStudioInfo() {
      return {
        version: options.version,
        home: options.home,
        databasePath: layout.database,
        backend: await activateBackend()
      }
    },
    async listDatasets() {
      return listDatasets(db)
    },
    async getDataset({ datasetId }) {
      const dataset = getDataset(db, datasetId)
      if (!dataset) throw new ApiError('NOT_FOUND', `There is no dataset with id ${datasetId}.`)
      return dataset
    },
    beginImport: (input) => imports.begin(input),
    uploadChunk: (input) => imports.upload(input),
    finishImport: (input) => imports.finish(input),
    async cancelImport(input) {
      await imports.cancel(input)
      return {}
    },
    async listRuns(query) {
      // An end the store could not record yet (a full disk) is shown over the stored `running`.
      return listRuns(db, query).map((run) => ({ ...run, ...supervisor.unrecordedEnd(run.id) }))
    },
    async listPresets() {
      return listPresetInfos(db)
    },
    ...createRunMethods({ db, supervisor, events }),
    describeModel: inference.describeModel,
    sampleText: inference.sampleText,
    predict: inference.predict,
    forecast: inference.forecast,
    exportRun: exporter.exportRun,
    exportCurves: exporter.exportCurves
  }

  let closed = false
  function close(): void {
    if (closed) return
    closed = true
    imports.dispose()
    inference.dispose()
    supervisor.dispose()
    db.close()
  }

  return {
    service,
    events,
    db,
    home: options.home,
    supervisor,
    inference,
    exporter,
    async addDatasetFromPath(path, registerOptions) {
      const { dataset, created } = await registerDatasetFromPath(db, path, registerOptions)
      if (created) events.emit('datasetsChanged', {})
      return dataset
    },
    async shutdown(timeoutMs) {
      if (!closed) await supervisor.shutdown(timeoutMs)
      close()
    },
    close
  }
}

/**
 * True when `pid` is a live process other than this one: the owner of a run still training in
 * another studio process on the same home. (This process has just started, so it owns no run yet.)
 */
export function isOtherLiveProcess(pid: number): boolean {
  if (pid === process.pid) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
