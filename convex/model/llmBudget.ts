// Fixed-window rate budget per LLM provider. Pure decision logic, so the rules are
// unit-testable; llmBudget.ts applies it inside one mutation (serialised by Convex).
export interface BudgetLimits {
  requestsPerMinute: number;
  tokensPerMinute: number;
  concurrency: number;
}

export interface BudgetState {
  windowStart: number;
  requests: number;
  tokens: number;
  leases: { id: string; tokens: number; expiresAt: number }[];
}

export type BudgetDecision =
  | { granted: true; state: BudgetState }
  | { granted: false; retryAfterMs: number; reason: "concurrency" | "requests" | "tokens" };

export const WINDOW_MS = 60_000;

export function decide(
  state: BudgetState,
  request: { now: number; tokens: number; leaseId: string; leaseMs: number },
  limits: BudgetLimits,
): BudgetDecision {
  const { now } = request;
  const fresh = now - state.windowStart >= WINDOW_MS;
  const window = fresh ? { windowStart: now, requests: 0, tokens: 0 } : state;
  const leases = state.leases.filter((lease) => lease.expiresAt > now);
  const windowEndsIn = window.windowStart + WINDOW_MS - now;

  if (leases.length >= limits.concurrency) {
    const soonest = Math.min(...leases.map((lease) => lease.expiresAt));
    return {
      granted: false,
      reason: "concurrency",
      retryAfterMs: Math.max(250, Math.min(soonest - now, 5_000)),
    };
  }
  if (window.requests + 1 > limits.requestsPerMinute) {
    return { granted: false, reason: "requests", retryAfterMs: windowEndsIn };
  }
  // A single request larger than the whole budget is still let through in an empty window,
  // otherwise it could never run.
  if (window.tokens > 0 && window.tokens + request.tokens > limits.tokensPerMinute) {
    return { granted: false, reason: "tokens", retryAfterMs: windowEndsIn };
  }
  return {
    granted: true,
    state: {
      windowStart: window.windowStart,
      requests: window.requests + 1,
      tokens: window.tokens + request.tokens,
      leases: [
        ...leases,
        { id: request.leaseId, tokens: request.tokens, expiresAt: now + request.leaseMs },
      ],
    },
  };
}

/** Drops the lease and corrects the window's token count with what the call really used. */
export function release(
  state: BudgetState,
  leaseId: string,
  actualTokens: number,
  now: number,
): BudgetState {
  const lease = state.leases.find((l) => l.id === leaseId);
  const leases = state.leases.filter((l) => l.id !== leaseId && l.expiresAt > now);
  if (!lease || now - state.windowStart >= WINDOW_MS) return { ...state, leases };
  return { ...state, tokens: Math.max(0, state.tokens - lease.tokens + actualTokens), leases };
}
