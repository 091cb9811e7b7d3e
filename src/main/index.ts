/**
 * The Electron shell: one hardened window, IPC handlers generated from the contract, and the
 * backend opened in the app's user-data folder. Everything else lives in plain-Node modules.
 */
import { app, BrowserWindow, ipcMain, session, utilityProcess } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { openStudio, type Studio } from '../backend/studio'
import trainerEntry from '../engine/worker/trainer-process?modulePath'
import { forwardEvents, registerIpcHandlers } from './ipc'
import { hardenContents, hardenSession, isTrustedSender, SECURE_WEB_PREFERENCES } from './security'
import { utilityProcessHost } from './utility-process-host'

const here = dirname(fileURLToPath(import.meta.url))
const rendererIndex = join(here, '../renderer/index.html')
const devServerUrl = process.env.ELECTRON_RENDERER_URL

function isAppUrl(url: string): boolean {
  if (devServerUrl) return url.startsWith(devServerUrl)
  return url.split('#')[0].split('?')[0] === pathToFileURL(rendererIndex).href
}

const trustedContents = new Set<number>()
const log = (line: string): void => console.log(`[studio] ${line}`)

function createWindow(studio: Studio): void {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'RNN Studio',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload: join(here, '../preload/index.cjs') }
  })
  const contents = window.webContents
  trustedContents.add(contents.id)
  contents.once('destroyed', () => trustedContents.delete(contents.id))
  hardenContents(contents, isAppUrl)
  forwardEvents(studio.events, contents)
  window.once('ready-to-show', () => window.show())
  if (devServerUrl) void window.loadURL(devServerUrl)
  else void window.loadFile(rendererIndex)
}

async function start(): Promise<void> {
  await app.whenReady()
  hardenSession(session.defaultSession)
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, isAppUrl))
  const resourcesDir = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources')
  const studio = await openStudio({
    home: process.env.RNN_STUDIO_HOME ?? app.getPath('userData'),
    resourcesDir,
    version: app.getVersion(),
    log,
    // Trainers run in Electron utility processes, from the bundled worker entry.
    processHost: utilityProcessHost((path, args, options) =>
      utilityProcess.fork(path, args, options)
    ),
    trainerEntry
  })
  registerIpcHandlers(
    ipcMain,
    studio.service,
    (e) => isTrustedSender(e, trustedContents, isAppUrl),
    log
  )
  createWindow(studio)
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow(studio)
  })
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  // Quitting stops live runs with a checkpoint first (a few seconds at most), so they resume cleanly.
  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting) return
    event.preventDefault()
    quitting = true
    void studio
      .shutdown(5000)
      .catch((error: unknown) => log(`shutdown failed: ${String(error)}`))
      .finally(() => {
        studio.close()
        app.quit()
      })
  })
}

start().catch((error: unknown) => {
  console.error('RNN Studio failed to start:', error)
  app.exit(1)
})
