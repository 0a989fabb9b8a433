// Pausing a job kind (`nexus-worker jobs pause/resume <kind>`): no worker claims it and the
// due-work subscription hides it until it is resumed; other kinds go on; audited.
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import { makeConvexTest } from "./test.setup";
import { asStaffMember, asWorker } from "./world.fixtures";

describe("job pauses", () => {
  it("a paused kind is neither claimed nor due until resumed; other kinds are", async () => {
    const t = makeConvexTest();
    const staff = await asStaffMember(t);
    const worker = asWorker(t);
    const echo = (
      await staff.mutation(api.jobs.enqueue, { kind: "system.echo", payload: { sleepMs: 0 } })
    ).job;
    const other = (
      await staff.mutation(api.jobs.enqueue, {
        kind: "invitation.send",
        payload: { invitationId: "i1", generation: 1 },
      })
    ).job;

    expect(
      await staff.mutation(api.jobs.pause, { kind: "system.echo", reason: " incident " }),
    ).toEqual({
      kind: "system.echo",
      changed: true,
    });
    // Pausing twice changes nothing.
    expect((await staff.mutation(api.jobs.pause, { kind: "system.echo" })).changed).toBe(false);
    expect(await staff.query(api.jobs.pauses, {})).toEqual([
      expect.objectContaining({ kind: "system.echo", reason: "incident" }),
    ]);

    const due = await worker.query(api.jobs.dueWork, { kinds: ["system.echo"] });
    expect(due).toEqual([]);
    expect(
      await worker.mutation(api.jobs.claim, {
        workerId: "w",
        kinds: ["system.echo"],
        leaseMs: 10_000,
      }),
    ).toBeNull();
    // Another kind is still handed out.
    const claimedOther = await worker.mutation(api.jobs.claim, {
      workerId: "w",
      kinds: ["system.echo", "invitation.send"],
      leaseMs: 10_000,
    });
    expect(claimedOther?.jobId).toBe(other.id);

    expect(await staff.mutation(api.jobs.resume, { kind: "system.echo" })).toEqual({
      kind: "system.echo",
      changed: true,
    });
    expect((await staff.mutation(api.jobs.resume, { kind: "system.echo" })).changed).toBe(false);
    expect(await staff.query(api.jobs.pauses, {})).toEqual([]);
    expect(await worker.query(api.jobs.dueWork, { kinds: ["system.echo"] })).toEqual([
      expect.objectContaining({ kind: "system.echo" }),
    ]);
    const claimed = await worker.mutation(api.jobs.claim, {
      workerId: "w",
      kinds: ["system.echo"],
      leaseMs: 10_000,
    });
    expect(claimed?.jobId).toBe(echo.id);

    const actions = await t.run(async (ctx) =>
      (await ctx.db.query("auditLogs").collect()).map((a) => a.action),
    );
    expect(actions.filter((a) => a.startsWith("jobs."))).toEqual(["jobs.pause", "jobs.resume"]);
  });
});
