import { createContext } from 'svelte'
import type { StudioClient } from '../api/client'
import { ConnectionState } from './connection.svelte'
import { DatasetsState } from './datasets.svelte'
import { RunsState } from './runs.svelte'
import { StudioInfoState } from './studio-info.svelte'

/** The app's state, one instance per concern, plus the client for views that call the API. */
export interface StudioState {
  readonly client: StudioClient
  readonly connection: ConnectionState
  readonly info: StudioInfoState
  readonly datasets: DatasetsState
  readonly runs: RunsState
}

/** Creates the state objects; nothing is subscribed or loaded until `startStudioState`. */
export function createStudioState(client: StudioClient): StudioState {
  return {
    client,
    connection: new ConnectionState(client),
    info: new StudioInfoState(client),
    datasets: new DatasetsState(client),
    runs: new RunsState(client)
  }
}

/** Subscribes every state to its events and the connection; returns the stop function. */
export function startStudioState(state: StudioState): () => void {
  const stops = [state.connection.start(), state.datasets.start(), state.runs.start()]
  return () => stops.forEach((stop) => stop())
}

/** Loads everything; called on each (re)connect, since events sent while disconnected were missed. */
export function reloadStudioState(state: StudioState): void {
  void state.info.load()
  void state.datasets.load()
  void state.runs.load()
}

/** Scoped access for views deeper in the tree: `getStudioState()` under an App that called `setStudioState`. */
export const [getStudioState, setStudioState] = createContext<StudioState>()
