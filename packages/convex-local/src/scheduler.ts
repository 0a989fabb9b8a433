// Runs scheduled functions (`_scheduled_functions` documents, so they survive a
// restart) at their time, and the jobs of crons.ts. Timers start in the root
// async context so a job never inherits the request that scheduled it.
import type { Value } from "convex/values";
import { type CronJob, nextRunAfter } from "./cron-schedule.ts";
import type { StoredDocument } from "./durable-store.ts";
import {
  type ConvexEngine,
  realClearTimeout,
  realSetTimeout,
  runInRootContext,
  runtimeConsole,
  tableNameFromId,
} from "./engine.ts";

const MAX_TIMER_MS = 2 ** 31 - 1;
const TABLE = "_scheduled_functions";

type JobDocument = StoredDocument & {
  name: string;
  args: Value[];
  scheduledTime: number;
  state: { kind: string };
};

export class FunctionScheduler {
  private readonly engine: ConvexEngine;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly cronTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(engine: ConvexEngine) {
    this.engine = engine;
  }

  /** Arms every pending job; jobs a crash interrupted mid-run are marked failed. */
  async start(crons: CronJob[]): Promise<void> {
    const interrupted: string[] = [];
    for (const doc of this.engine.committedDocuments(TABLE) as JobDocument[]) {
      if (doc.state.kind === "pending") this.arm(doc._id, doc.scheduledTime);
      else if (doc.state.kind === "inProgress") interrupted.push(doc._id);
    }
    if (interrupted.length > 0) {
      await this.engine.writeSystem((db) => {
        for (const id of interrupted) {
          db.patch(TABLE, id, {
            state: {
              kind: "failed",
              error: "Interrupted: the runtime stopped while it was running.",
            },
            completedTime: Date.now(),
          });
        }
      });
    }
    for (const job of crons) this.armCron(job, Date.now());
  }

  /** Keeps timers in step with committed `_scheduled_functions` documents. */
  onCommit(changes: Array<[string, StoredDocument | null]>): void {
    for (const [id, doc] of changes) {
      if (tableNameFromId(id) !== TABLE) continue;
      const job = doc as JobDocument | null;
      if (job !== null && job.state.kind === "pending") this.arm(id, job.scheduledTime);
      else this.disarm(id);
    }
  }

  private arm(id: string, at: number): void {
    if (this.stopped) return;
    this.disarm(id);
    runInRootContext(() => {
      const delay = Math.min(Math.max(0, at - Date.now()), MAX_TIMER_MS);
      const timer = realSetTimeout(() => {
        this.timers.delete(id);
        if (Date.now() < at - 1) this.arm(id, at);
        else this.track(this.runJob(id));
      }, delay);
      this.timers.set(id, timer);
    });
  }

  private disarm(id: string): void {
    const timer = this.timers.get(id);
    if (timer !== undefined) {
      realClearTimeout(timer);
      this.timers.delete(id);
    }
  }

  private track(promise: Promise<void>): void {
    const tracked = promise.catch((error: unknown) => {
      runtimeConsole.error("[scheduler] unexpected error", error);
    });
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
  }

  private async runJob(id: string): Promise<void> {
    if (this.stopped) return;
    const job = this.engine.committedDocument(id) as JobDocument | null;
    if (job === null || job.state.kind !== "pending") return;
    const args = (job.args[0] ?? {}) as Record<string, Value>;
    const info = await this.engine.describe(job.name);
    const done = (ok: boolean, error?: string) => ({
      state: ok ? { kind: "success" } : { kind: "failed", error: error ?? "failed" },
      completedTime: Date.now(),
    });
    if (info === null || (info.kind !== "mutation" && info.kind !== "action")) {
      await this.engine.writeSystem((db) =>
        db.patch(TABLE, id, done(false, `No mutation or action named ${job.name}.`)),
      );
      return;
    }
    if (info.kind === "mutation") {
      // The job's state changes in the same transaction as the mutation's writes.
      const result = await this.engine.mutationWithSystemWrites(
        job.name,
        args,
        (db) => (db.get(TABLE, id) as JobDocument | null)?.state.kind === "pending",
        (db, outcome) =>
          db.patch(TABLE, id, done(outcome.ok, outcome.ok ? undefined : outcome.message)),
      );
      if (result && !result.ok)
        runtimeConsole.error(`[scheduler] ${job.name} failed: ${result.message}`);
      return;
    }
    const claimed = await this.engine.writeSystem((db) => {
      if ((db.get(TABLE, id) as JobDocument | null)?.state.kind !== "pending") return false;
      db.patch(TABLE, id, { state: { kind: "inProgress" } });
      return true;
    });
    if (!claimed) return;
    const result = await this.engine.call("action", job.name, args);
    if (!result.ok) runtimeConsole.error(`[scheduler] ${job.name} failed: ${result.message}`);
    await this.engine.writeSystem((db) =>
      db.patch(TABLE, id, done(result.ok, result.ok ? undefined : result.message)),
    );
  }

  private armCron(job: CronJob, from: number): void {
    if (this.stopped) return;
    const at = nextRunAfter(job.schedule, from);
    runInRootContext(() => {
      const timer = realSetTimeout(
        () => {
          this.cronTimers.delete(job.identifier);
          if (Date.now() < at - 1) {
            this.armCron(job, from);
            return;
          }
          this.armCron(job, Math.max(Date.now(), at));
          this.track(this.runCron(job));
        },
        Math.min(Math.max(0, at - Date.now()), MAX_TIMER_MS),
      );
      this.cronTimers.set(job.identifier, timer);
    });
  }

  private async runCron(job: CronJob): Promise<void> {
    if (this.stopped) return;
    const info = await this.engine.describe(job.udfPath);
    if (info === null || (info.kind !== "mutation" && info.kind !== "action")) {
      runtimeConsole.error(`[cron ${job.identifier}] no mutation or action named ${job.udfPath}`);
      return;
    }
    const result = await this.engine.call(
      info.kind,
      job.udfPath,
      job.args as Record<string, Value>,
    );
    if (!result.ok)
      runtimeConsole.error(`[cron ${job.identifier}] ${job.udfPath} failed: ${result.message}`);
  }

  /** Stops firing and waits (bounded) for running jobs. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopped = true;
    for (const timer of [...this.timers.values(), ...this.cronTimers.values()])
      realClearTimeout(timer);
    this.timers.clear();
    this.cronTimers.clear();
    await Promise.race([
      Promise.all([...this.running]),
      new Promise((resolve) => realSetTimeout(resolve, timeoutMs)),
    ]);
  }
}
