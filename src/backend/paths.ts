import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

/** Environment variable naming the studio's home folder (database + imported files). */
export const HOME_ENV = 'RNN_STUDIO_HOME'

/**
 * The platform's per-user data folder for the studio, as desktop apps use it:
 * macOS `~/Library/Application Support/RNN Studio`, Windows `%APPDATA%\RNN Studio`,
 * elsewhere `$XDG_DATA_HOME/rnn-studio` (default `~/.local/share/rnn-studio`).
 * The Electron app uses `app.getPath('userData')` instead, which lands in the same kind of place.
 */
export function defaultHome(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir()
): string {
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'RNN Studio')
  if (platform === 'win32')
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'RNN Studio')
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'rnn-studio')
}

/** `--home DIR` wins, then RNN_STUDIO_HOME, then the platform default. */
export function resolveHome(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env
): string {
  if (flag) return resolve(flag)
  if (env[HOME_ENV]) return resolve(env[HOME_ENV])
  return defaultHome(process.platform, env)
}

/**
 * Files inside a studio home: the database, imported datasets (`datasets/<contentHash>/`, kept
 * there so they outlive the user's originals) and uploads still in progress (`imports/`).
 */
export function homeLayout(home: string): { database: string; datasets: string; imports: string } {
  return {
    database: join(home, 'studio.db'),
    datasets: join(home, 'datasets'),
    imports: join(home, 'imports')
  }
}
