/**
 * Per-caller token buckets kept in this instance's memory: each caller gets `burst` requests at once and
 * `perSecond` more every second. Behind N instances a caller can reach N times the rate; that is the price of not
 * putting a Redis round trip in front of every request (docs/security.md).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly maxCallers = 10_000,
  ) {}

  /** Takes one token for `caller`; returns 0 when allowed, else the seconds until a token is available. */
  take(caller: string, nowMs = Date.now()): number {
    if (this.perSecond <= 0) return 0;
    let b = this.buckets.get(caller);
    if (!b) {
      // Callers are key names (bounded by configuration); the cap only guards against a misuse of the class.
      if (this.buckets.size >= this.maxCallers) this.buckets.clear();
      b = { tokens: this.burst, at: nowMs };
      this.buckets.set(caller, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((nowMs - b.at) / 1000) * this.perSecond);
    b.at = nowMs;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond));
  }
}
