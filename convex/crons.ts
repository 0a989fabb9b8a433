// Scheduled upkeep of the job queue.
import { cronJobs } from "convex/server";
import { internal } from "./_generated/api";

const crons = cronJobs();

// Silent workers go offline and their expired leases return to the queue.
crons.interval("sweep workers and expired leases", { seconds: 30 }, internal.workers.sweep, {});
// Queue liveness alarms (stalled queue, failure rate).
crons.interval("evaluate queue alerts", { minutes: 1 }, internal.alerts.evaluate, {});

export default crons;
