import { cronJobs, makeFunctionReference } from "convex/server";
import { describe, expect, test } from "vitest";
import { cronExpression, cronJobsOf, nextRunAfter } from "./cron-schedule.ts";

const at = (iso: string) => Date.parse(iso);

describe("cron schedules", () => {
  test("calendar schedules become five-field UTC expressions", () => {
    expect(cronExpression({ type: "hourly", minuteUTC: 5 })).toBe("5 * * * *");
    expect(cronExpression({ type: "daily", hourUTC: 7, minuteUTC: 15 })).toBe("15 7 * * *");
    expect(cronExpression({ type: "weekly", dayOfWeek: "tuesday", hourUTC: 8 })).toBe("0 8 * * 2");
    expect(cronExpression({ type: "monthly", day: 30, hourUTC: 23, minuteUTC: 59 })).toBe(
      "59 23 30 * *",
    );
  });

  test("next run times", () => {
    const from = at("2025-03-04T10:20:30Z"); // a Tuesday
    expect(nextRunAfter({ type: "interval", minutes: 2 }, from)).toBe(from + 120_000);
    expect(nextRunAfter({ type: "hourly", minuteUTC: 5 }, from)).toBe(at("2025-03-04T11:05:00Z"));
    expect(nextRunAfter({ type: "daily", hourUTC: 7, minuteUTC: 15 }, from)).toBe(
      at("2025-03-05T07:15:00Z"),
    );
    expect(nextRunAfter({ type: "weekly", dayOfWeek: "monday", hourUTC: 9 }, from)).toBe(
      at("2025-03-10T09:00:00Z"),
    );
    expect(nextRunAfter({ type: "monthly", day: 30, hourUTC: 0 }, at("2025-02-10T00:00:00Z"))).toBe(
      at("2025-03-30T00:00:00Z"),
    );
    expect(nextRunAfter({ type: "cron", cron: "*/10 * * * *" }, from)).toBe(
      at("2025-03-04T10:30:00Z"),
    );
  });

  test("jobs are read from a cronJobs() object", () => {
    const crons = cronJobs();
    crons.interval(
      "tick",
      { seconds: 30 },
      makeFunctionReference<"mutation">("counters:increment"),
      {
        name: "a",
      },
    );
    crons.cron("nightly", "0 3 * * *", makeFunctionReference<"action">("jobs:cleanup"));
    expect(cronJobsOf(crons)).toEqual([
      {
        identifier: "tick",
        udfPath: "counters:increment",
        args: { name: "a" },
        schedule: { type: "interval", seconds: 30 },
      },
      {
        identifier: "nightly",
        udfPath: "jobs:cleanup",
        args: {},
        schedule: { type: "cron", cron: "0 3 * * *" },
      },
    ]);
    expect(cronJobsOf(undefined)).toEqual([]);
  });

  test("an invalid schedule is a clear error", () => {
    expect(() =>
      cronJobsOf({
        crons: { bad: { name: "x:y", args: [{}], schedule: { type: "daily", hourUTC: 25 } } },
      }),
    ).toThrow(/Cron "bad" has an invalid schedule/);
  });
});
