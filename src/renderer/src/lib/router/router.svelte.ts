import { parseHash, routeHref, type Route } from './routes'

/** The current route, following `location.hash`. One instance for the app. */
export class Router {
  readonly #window: Window
  #route = $state.raw<Route>({ name: 'home' })

  constructor(win: Window = window) {
    this.#window = win
    this.#route = parseHash(win.location.hash)
  }

  /** Follows hash changes (links, back and forward); returns the stop function. */
  start(): () => void {
    const onChange = (): void => {
      this.#route = parseHash(this.#window.location.hash)
    }
    this.#window.addEventListener('hashchange', onChange)
    return () => this.#window.removeEventListener('hashchange', onChange)
  }

  get route(): Route {
    return this.#route
  }

  /** Goes to `route`, as a new history entry (Back returns). */
  navigate(route: Route): void {
    const href = routeHref(route)
    this.#route = route
    if (this.#window.location.hash !== href) this.#window.location.hash = href
  }
}
