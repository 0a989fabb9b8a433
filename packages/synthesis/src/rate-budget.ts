// Per-provider rate budget: concurrency, requests per minute and tokens per
// minute. The interface is what generation needs; the in-memory implementation
// serves one process, and a Convex-backed one can share a budget across workers.

export interface RateBudget {
  /**
   * Waits until a request of about `estimatedTokens` may start for `provider`.
   * Resolves to a release function to call once, with the tokens actually used
   * (0 when the request failed before using any).
   */
  acquire(
    provider: string,
    estimatedTokens: number,
    signal?: AbortSignal,
  ): Promise<(actualTokens: number) => void>;
}

export interface RateLimits {
  maxConcurrency: number;
  requestsPerMinute: number;
  tokensPerMinute: number;
}

const WINDOW_MS = 60_000;

interface Waiter {
  tokens: number;
  resolve: (release: (actual: number) => void) => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Usage {
  at: number;
  tokens: number;
}

class ProviderBudget {
  private active = 0;
  private readonly usage: Usage[] = [];
  private readonly queue: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly limits: RateLimits) {}

  enqueue(w: Waiter): void {
    this.queue.push(w);
    this.pump();
  }

  remove(w: Waiter): void {
    const i = this.queue.indexOf(w);
    if (i >= 0) this.queue.splice(i, 1);
    this.pump();
  }

  private prune(now: number): void {
    while (this.usage.length > 0 && this.usage[0]!.at <= now - WINDOW_MS) this.usage.shift();
  }

  private pump(): void {
    const now = Date.now();
    this.prune(now);
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (this.active >= this.limits.maxConcurrency) return; // a release will pump again
      const tokensInWindow = this.usage.reduce((s, u) => s + u.tokens, 0);
      const rpmOk = this.usage.length < this.limits.requestsPerMinute;
      // A request larger than the whole budget may still run alone in an empty window.
      const tpmOk =
        tokensInWindow + head.tokens <= this.limits.tokensPerMinute || this.usage.length === 0;
      if (!rpmOk || !tpmOk) {
        this.scheduleAt(this.usage[0]!.at + WINDOW_MS);
        return;
      }
      this.queue.shift();
      if (head.onAbort) head.signal?.removeEventListener("abort", head.onAbort);
      this.active++;
      const entry: Usage = { at: now, tokens: head.tokens };
      this.usage.push(entry);
      let released = false;
      head.resolve((actual: number) => {
        if (released) return;
        released = true;
        this.active--;
        entry.tokens = Math.max(0, actual);
        this.pump();
      });
    }
  }

  private scheduleAt(at: number): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.pump();
      },
      Math.max(0, at - Date.now()),
    );
  }
}

export class InMemoryRateBudget implements RateBudget {
  private readonly budgets = new Map<string, ProviderBudget>();

  constructor(private readonly limits: RateLimits) {
    for (const [k, v] of Object.entries(limits)) {
      if (!Number.isInteger(v) || v < 1)
        throw new RangeError(`rate limit ${k} must be a positive integer, got ${v}`);
    }
  }

  acquire(
    provider: string,
    estimatedTokens: number,
    signal?: AbortSignal,
  ): Promise<(actualTokens: number) => void> {
    let budget = this.budgets.get(provider);
    if (!budget) {
      budget = new ProviderBudget(this.limits);
      this.budgets.set(provider, budget);
    }
    const b = budget;
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const waiter: Waiter = {
        tokens: Math.max(0, Math.ceil(estimatedTokens)),
        resolve,
        reject,
        signal,
      };
      if (signal) {
        waiter.onAbort = () => {
          b.remove(waiter);
          reject(signal.reason);
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      b.enqueue(waiter);
    });
  }
}

/** A budget that never waits: for tests and single-shot tools. */
export const unlimitedRateBudget: RateBudget = {
  acquire: async () => () => {},
};
