/**
 * A token bucket: `burst` tokens to start, refilled at `ratePerSecond`, one taken per request.
 * It lets a UI fire a quick burst (a screen loading several lists at once) while a runaway loop
 * is held to the steady rate.
 */
export class TokenBucket {
  #tokens: number
  #last: number

  /**
   * @param ratePerSecond tokens added per second (the sustained request rate)
   * @param burst the bucket's size: how many requests may arrive at once after a quiet spell
   * @param now the clock in milliseconds; injectable so tests can step time by hand
   */
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now()
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) {
      throw new RangeError('TokenBucket needs ratePerSecond > 0 and burst >= 1')
    }
    this.#tokens = burst
    this.#last = now()
  }

  /** Takes one token; false when the bucket is empty (the request should be refused). */
  take(): boolean {
    const now = this.now()
    const refill = ((now - this.#last) / 1000) * this.ratePerSecond
    this.#tokens = Math.min(this.burst, this.#tokens + refill)
    this.#last = now
    if (this.#tokens < 1) return false
    this.#tokens -= 1
    return true
  }
}
