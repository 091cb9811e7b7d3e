/**
 * Entry of a trainer process: one run per process, started by the backend's ProcessHost
 * (`child_process.fork` through tsx, or Electron's `utilityProcess.fork`). It speaks only the
 * protocol of src/shared/protocol/trainer.ts and exits once it has reported `done`.
 */
import { trainWithEngine } from './engine-trainer'
import { currentParentPort } from './parent-port'
import { serveTrainer } from './trainer-runtime'

const port = currentParentPort()
// The host is gone (crashed or killed): nobody could store what this process would produce.
port.onDisconnect(() => process.exit(0))
// Not a top-level await: a bundler may emit this entry as CommonJS for utilityProcess.
void serveTrainer(port, trainWithEngine, {
  log: (line) => process.stderr.write(`${line}\n`)
}).then(() => process.exit(0))
