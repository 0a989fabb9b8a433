// Next run times of the jobs a crons.ts registers (`cronJobs()`), all in UTC.
import { Cron } from "croner";
import { z } from "zod";

const DAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

const scheduleSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("interval"),
    seconds: z.number().positive().optional(),
    minutes: z.number().positive().optional(),
    hours: z.number().positive().optional(),
  }),
  z.object({ type: z.literal("hourly"), minuteUTC: z.number().int().min(0).max(59).optional() }),
  z.object({
    type: z.literal("daily"),
    hourUTC: z.number().int().min(0).max(23),
    minuteUTC: z.number().int().min(0).max(59).optional(),
  }),
  z.object({
    type: z.literal("weekly"),
    dayOfWeek: z.enum(DAYS as [string, ...string[]]),
    hourUTC: z.number().int().min(0).max(23),
    minuteUTC: z.number().int().min(0).max(59).optional(),
  }),
  z.object({
    type: z.literal("monthly"),
    day: z.number().int().min(1).max(31),
    hourUTC: z.number().int().min(0).max(23),
    minuteUTC: z.number().int().min(0).max(59).optional(),
  }),
  z.object({ type: z.literal("cron"), cron: z.string().min(1) }),
]);

export type CronSchedule = z.infer<typeof scheduleSchema>;

export interface CronJob {
  identifier: string;
  udfPath: string;
  args: unknown;
  schedule: CronSchedule;
}

/** Reads the jobs of a crons.ts default export (a `Crons` object). */
export function cronJobsOf(exported: unknown): CronJob[] {
  const crons = (exported as { crons?: unknown } | undefined)?.crons;
  if (crons === undefined || crons === null) return [];
  const entries = z
    .record(
      z.string(),
      z.object({ name: z.string(), args: z.array(z.unknown()), schedule: z.unknown() }),
    )
    .parse(crons);
  return Object.entries(entries).map(([identifier, job]) => {
    const schedule = scheduleSchema.safeParse(job.schedule);
    if (!schedule.success) {
      throw new Error(
        `Cron "${identifier}" has an invalid schedule: ${z.prettifyError(schedule.error)}`,
      );
    }
    return { identifier, udfPath: job.name, args: job.args[0] ?? {}, schedule: schedule.data };
  });
}

/** The five-field cron expression equivalent to a calendar schedule. */
export function cronExpression(schedule: Exclude<CronSchedule, { type: "interval" }>): string {
  switch (schedule.type) {
    case "hourly":
      return `${schedule.minuteUTC ?? 0} * * * *`;
    case "daily":
      return `${schedule.minuteUTC ?? 0} ${schedule.hourUTC} * * *`;
    case "weekly":
      return `${schedule.minuteUTC ?? 0} ${schedule.hourUTC} * * ${DAYS.indexOf(schedule.dayOfWeek)}`;
    case "monthly":
      return `${schedule.minuteUTC ?? 0} ${schedule.hourUTC} ${schedule.day} * *`;
    case "cron":
      return schedule.cron;
  }
}

export function intervalMs(schedule: Extract<CronSchedule, { type: "interval" }>): number {
  const ms =
    (schedule.seconds ?? 0) * 1000 +
    (schedule.minutes ?? 0) * 60_000 +
    (schedule.hours ?? 0) * 3_600_000;
  if (ms <= 0) throw new Error("An interval cron needs seconds, minutes or hours.");
  return ms;
}

/** When the job runs next after `from` (epoch ms). */
export function nextRunAfter(schedule: CronSchedule, from: number): number {
  if (schedule.type === "interval") return from + intervalMs(schedule);
  const next = new Cron(cronExpression(schedule), { timezone: "UTC", paused: true }).nextRun(
    new Date(from),
  );
  if (next === null)
    throw new Error(`The cron expression "${cronExpression(schedule)}" never runs.`);
  return next.getTime();
}
