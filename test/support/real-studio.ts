/**
 * A studio backend on a temp home, training with the REAL trainer process
 * (src/engine/worker/trainer-process.ts) forked through an observed process host, with no sample
 * datasets (registering them costs seconds and no fault test needs them).
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { vi } from 'vitest'
import { openStudio, type Studio } from '../../src/backend/studio'
import type { RunId } from '../../src/shared/domain/ids'
import type { RunStatus } from '../../src/shared/domain/run'
import {
  observedProcessHost,
  type ObservedHost,
  type ObservedHostOptions
} from './observed-process-host'
import { tempHome } from './temp-home'

export interface RealStudio {
  studio: Studio
  host: ObservedHost
  /** The studio's home folder. */
  home: string
  /** Everything the backend logged (trainer output included). */
  log: string[]
  /** Closes the studio and deletes the temp folder. */
  dispose(): void
}

export interface RealStudioOptions extends ObservedHostOptions {
  /** The studio's home (a tmpfs mount, say); default: a folder in the temp folder. */
  home?: string
}

export async function openRealStudio(options: RealStudioOptions = {}): Promise<RealStudio> {
  const temp = tempHome('rnn-studio-faults-')
  const resourcesDir = join(temp.path, 'resources')
  mkdirSync(resourcesDir)
  const home = options.home ?? join(temp.path, 'home')
  const host = observedProcessHost(options)
  const log: string[] = []
  const studio = await openStudio({
    home,
    resourcesDir,
    version: '0.0.0-faults',
    processHost: host,
    log: (line) => log.push(line)
  })
  return {
    studio,
    host,
    home,
    log,
    dispose() {
      studio.close()
      temp.remove()
    }
  }
}

/** Waits until the run's stored status is one of `statuses`; fails with the backend log otherwise. */
export async function waitForStatus(
  real: RealStudio,
  runId: RunId,
  statuses: readonly RunStatus[],
  timeout = 90_000
): Promise<void> {
  await vi.waitFor(
    async () => {
      const { run } = await real.studio.service.getRun({ runId })
      if (!statuses.includes(run.status)) {
        throw new Error(
          `run ${runId} is ${run.status} (${run.error}), waiting for ${statuses.join('|')}\n` +
            real.log.slice(-15).join('\n')
        )
      }
    },
    { timeout, interval: 50 }
  )
}
