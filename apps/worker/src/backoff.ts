// Delay before the next try after a failed call to Convex (connection lost,
// server error): exponential with full jitter, so a fleet of workers that lost
// the backend together does not reconnect in lockstep.

export const CONNECTION_BACKOFF = { baseMs: 250, maxMs: 30_000 };

/** failures = consecutive failed calls so far (1 after the first failure). */
export function connectionBackoffMs(
  failures: number,
  policy: { baseMs: number; maxMs: number } = CONNECTION_BACKOFF,
  random: number = Math.random(),
): number {
  if (failures <= 0) return 0;
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** (failures - 1));
  // Never zero: at least a quarter of the cap.
  return Math.round(cap * (0.25 + 0.75 * random));
}
