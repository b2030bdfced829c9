/**
 * The semantics of PyPI `circuitbreaker` (1.3/1.4) used by cinema-11's `@circuit(expected_exception=
 * RequestException)`: defaults failure_threshold 5, recovery_timeout 30 s.
 *   closed: calls go through; an expected exception increments the failure count (≥ threshold ⇒ open,
 *           remembering when); any other outcome (a return value, whatever its status, or an exception
 *           that is not expected) resets the count and closes the breaker.
 *   open:   while fewer than recovery_timeout seconds have passed, the call is not made and fails with a
 *           CircuitBreakerError.
 *   half-open (open and the recovery timeout has passed): the next call goes through; success closes,
 *           an expected failure re-opens at once (the failure count was never reset).
 * Exceptions always propagate to the caller (the library's __exit__ returns False).
 */
export class CircuitBreakerError extends Error {}

type State = 'closed' | 'open' | 'half_open';

export class CircuitBreaker {
  readonly name: string;
  readonly failureThreshold: number;
  readonly recoveryTimeoutS: number;
  readonly expected: (err: unknown) => boolean;
  private failureCount = 0;
  private storedState: State = 'closed';
  private openedAt = Date.now();

  constructor(name: string, expected: (err: unknown) => boolean, failureThreshold = 5, recoveryTimeoutS = 30) {
    this.name = name;
    this.expected = expected;
    this.failureThreshold = failureThreshold;
    this.recoveryTimeoutS = recoveryTimeoutS;
  }

  get openRemaining(): number {
    const remain = this.openedAt + this.recoveryTimeoutS * 1000 - Date.now();
    return remain > 0 ? remain / 1000 : 0;
  }

  get state(): State {
    if (this.storedState === 'open' && this.openRemaining <= 0) return 'half_open';
    return this.storedState;
  }

  get opened(): boolean {
    return this.state === 'open';
  }

  async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.opened) {
      throw new CircuitBreakerError(`Circuit "${this.name}" OPEN until ${new Date(this.openedAt + this.recoveryTimeoutS * 1000).toISOString()} (${this.failureCount} failures, ${Math.round(this.openRemaining)} sec remaining)`);
    }
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      if (this.expected(err)) this.callFailed();
      else this.callSucceeded();
      throw err;
    }
    this.callSucceeded();
    return result;
  }

  /** Not in the library: back to the initial state (closed, no failure), for the runner's reset. */
  reset(): void {
    this.storedState = 'closed';
    this.failureCount = 0;
    this.openedAt = Date.now();
  }

  private callSucceeded(): void {
    this.storedState = 'closed';
    this.failureCount = 0;
  }

  private callFailed(): void {
    this.failureCount += 1;
    if (this.failureCount >= this.failureThreshold) {
      this.storedState = 'open';
      this.openedAt = Date.now();
    }
  }
}
