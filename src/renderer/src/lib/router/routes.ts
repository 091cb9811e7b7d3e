/**
 * The app's places as hash routes, so a reload (or a bookmark) keeps the place and Electron's
 * `file://` page needs no server-side routing:
 *
 *   `#/`                      home
 *   `#/new`                   the designer; `#/new?from=12` starts from run 12's settings
 *   `#/runs`                  every run
 *   `#/runs/12`               run 12 (training); `#/runs/12/insight`, `#/runs/12/playground`
 */

import type { RunId } from '../../../../shared/domain/ids'

export type RunTab = 'training' | 'insight' | 'playground'

export const RUN_TABS: readonly RunTab[] = ['training', 'insight', 'playground']

export type Route =
  | { name: 'home' }
  | { name: 'new'; from: RunId | null }
  | { name: 'runs' }
  | { name: 'run'; runId: RunId; tab: RunTab }
  | { name: 'not-found'; hash: string }

/** A positive integer id from a path segment, or null. */
function parseId(segment: string | undefined): RunId | null {
  if (segment === undefined || !/^[1-9]\d{0,15}$/.test(segment)) return null
  const id = Number(segment)
  return Number.isSafeInteger(id) ? (id as RunId) : null
}

/** The route `location.hash` names (`''` and `'#'` are home). */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#/, '')
  const [path, query = ''] = raw.split('?', 2)
  const parts = path.split('/').filter((p) => p !== '')
  if (parts.length === 0) return { name: 'home' }
  if (parts[0] === 'new' && parts.length === 1) {
    return { name: 'new', from: parseId(new URLSearchParams(query).get('from') ?? undefined) }
  }
  if (parts[0] === 'runs') {
    if (parts.length === 1) return { name: 'runs' }
    const runId = parseId(parts[1])
    const tab = (parts[2] ?? 'training') as RunTab
    if (runId !== null && parts.length <= 3 && RUN_TABS.includes(tab)) {
      return { name: 'run', runId, tab }
    }
  }
  return { name: 'not-found', hash: raw }
}

/** The `href` of a route: `#/runs/12/insight`. */
export function routeHref(route: Route): string {
  switch (route.name) {
    case 'home':
      return '#/'
    case 'new':
      return route.from === null ? '#/new' : `#/new?from=${route.from}`
    case 'runs':
      return '#/runs'
    case 'run':
      return route.tab === 'training'
        ? `#/runs/${route.runId}`
        : `#/runs/${route.runId}/${route.tab}`
    case 'not-found':
      return `#${route.hash}`
  }
}
