/** Exponential backoff with full jitter, so that many consumers retrying the same dependency spread out. */
export function backoffMs(
  attempt: number,
  initialMs = 100,
  maxMs = 10_000,
  random: () => number = Math.random,
): number {
  const cap = Math.min(maxMs, initialMs * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });
