// Scheduled upkeep of the job queue, of stored files and of presence rows.
import { cronJobs } from "convex/server";
import { internal } from "./_generated/api";

const crons = cronJobs();

// Silent workers go offline and their expired leases return to the queue.
crons.interval("sweep workers and expired leases", { seconds: 30 }, internal.workers.sweep, {});
// Queue liveness alarms (stalled queue, failure rate).
crons.interval("evaluate queue alerts", { minutes: 1 }, internal.alerts.evaluate, {});

// Expired download grants (five-minute links) are deleted in batches.
crons.interval("purge expired file grants", { minutes: 10 }, internal.files.purgeGrants, {});
// Upload slots expired for more than a day are deleted in batches.
crons.interval("prune old upload slots", { hours: 1 }, internal.files.pruneUploads, {});
// Files referenced by nothing for over an hour are deleted, one page of _storage per run.
crons.interval("sweep unreferenced files", { minutes: 1 }, internal.files.sweepStorage, {});

// Presence rows of review pages closed without `leave`.
crons.interval("prune presence", { minutes: 10 }, internal.presence.prune, {});

// Retention policy (model/retention.ts): each run goes on in batches until nothing is left.
crons.daily("retention", { hourUTC: 2, minuteUTC: 30 }, internal.retention.daily, {});

// Wallets: balance = sum of entries, no orphan session, debit or payment (model/consistency.ts).
crons.interval("check wallet consistency", { hours: 1 }, internal.consistency.run, {});

// Monthly subscriptions: each active one credited once per Paris month (the first run of the
// month does it; the others find the month credited). Credits older than CREDIT_VALIDITY_DAYS
// expire (first in, first out; a second run finds nothing due). model/subscriptions.ts.
crons.daily(
  "credit monthly subscriptions",
  { hourUTC: 4, minuteUTC: 0 },
  internal.credits.creditSubscriptions,
  {},
);
crons.daily(
  "expire old credits",
  { hourUTC: 4, minuteUTC: 15 },
  internal.credits.expireCredits,
  {},
);

// ARIA: idle conversations are summarised into memories (convex/ariaMemory.ts).
crons.interval(
  "summarise idle ARIA conversations",
  { minutes: 10 },
  internal.ariaMemory.enqueueIdle,
  {},
);

export default crons;
