// Invitations: staff create, list, resend and revoke; the worker mints the link's token at send
// time (only its hash reaches Convex); the invitee previews and accepts once, with the invited
// e-mail, before which they have no access at all.
import { describe, expect, it } from "vitest";
import { api } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { hashToken, INVITATION_TTL_MS } from "./model/invitations";
import {
  as,
  asWorker,
  errorOf,
  freshWorld,
  identityFor,
  type T,
  type World,
} from "./world.fixtures";

const INVITEE = "nouveau.parent@test.fr";

function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

async function inviteParent(t: T, world: World, email = INVITEE) {
  return await as(t, "assistante").mutation(api.invitations.create, {
    email,
    role: "parent",
    studentIds: [world.students.own],
  });
}

/** What the invitation.send handler does: a fresh token, its hash to Convex, the e-mail sent. */
async function workerSends(t: T, invitationId: Id<"invitations">, generation: number) {
  const worker = asWorker(t);
  const token = newToken();
  const begun = await worker.mutation(api.invitations.beginSend, {
    invitationId,
    generation,
    tokenHash: await hashToken(token),
    subject: "Invitation",
  });
  if (!begun.send) return { token: null, reason: begun.reason };
  await worker.mutation(api.invitations.finishSend, {
    invitationId,
    generation,
    emailId: begun.emailId,
    status: "sent",
    provider: "outbox",
    providerId: "outbox-1",
  });
  return { token, reason: null };
}

async function sentToken(t: T, invitationId: Id<"invitations">, generation = 1) {
  const { token } = await workerSends(t, invitationId, generation);
  if (!token) throw new Error("expected the e-mail to be sent");
  return token;
}

/** The invitee signed in (dev sign-in or Clerk) for the first time: a row without a role. */
async function signedInInvitee(t: T, email = INVITEE) {
  const client = t.withIdentity(identityFor(email, "Nouveau Parent"));
  await client.mutation(api.users.ensureCurrent, {});
  return client;
}

async function invitationRow(t: T, id: Id<"invitations">) {
  return await t.run(async (ctx) => (await ctx.db.get(id))!);
}

describe("invitations.create", () => {
  it("stores the invitation without any token, queues its e-mail job and audits it", async () => {
    const { t, world } = await freshWorld();
    const id = await inviteParent(t, world, "  Nouveau.Parent@Test.fr ");
    const row = await invitationRow(t, id);
    expect(row).toMatchObject({
      email: INVITEE,
      role: "parent",
      status: "pending",
      generation: 1,
      studentIds: [world.students.own],
      invitedBy: world.users.assistante,
    });
    expect(row.tokenHash).toBeUndefined();
    expect(row.expiresAt - row.createdAt).toBe(INVITATION_TTL_MS);
    const jobs = await t.run(async (ctx) =>
      (await ctx.db.query("jobs").collect()).filter((j) => j.kind === "invitation.send"),
    );
    expect(jobs.map((j) => j.payload)).toEqual([{ invitationId: id, generation: 1 }]);
    const audit = await t.run(async (ctx) =>
      (await ctx.db.query("auditLogs").collect()).filter((r) => r.targetId === id),
    );
    expect(audit.map((r) => r.action)).toEqual(["invitation.create"]);
  });

  it("refuses a second pending invitation for the same address", async () => {
    const { t, world } = await freshWorld();
    await inviteParent(t, world);
    expect(await errorOf(inviteParent(t, world, "NOUVEAU.parent@test.fr"))).toMatchObject({
      code: "INVALID_STATE",
      message: expect.stringContaining("déjà en attente"),
    });
  });

  it("checks the role and its links", async () => {
    const { t, world } = await freshWorld();
    const assistante = as(t, "assistante");
    expect(
      await errorOf(
        assistante.mutation(api.invitations.create, {
          email: "x@test.fr",
          role: "parent",
          studentIds: [],
        }),
      ),
    ).toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining("enfants") });
    // Alice already has her élève account.
    expect(
      await errorOf(
        assistante.mutation(api.invitations.create, {
          email: "x@test.fr",
          role: "eleve",
          studentIds: [world.students.own],
        }),
      ),
    ).toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringContaining("déjà un compte"),
    });
    expect(
      await errorOf(
        assistante.mutation(api.invitations.create, {
          email: "pas-une-adresse",
          role: "coach",
          studentIds: [],
        }),
      ),
    ).toMatchObject({ code: "INVALID_ARGUMENT", message: "Saisissez une adresse e-mail valide." });
    // An existing account with another role: an invitation never changes a role.
    expect(
      await errorOf(
        assistante.mutation(api.invitations.create, {
          email: "coach.libre@test.fr",
          role: "parent",
          studentIds: [world.students.own],
        }),
      ),
    ).toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringContaining("« coach »") });
  });

  it("lets only an admin invite an assistante", async () => {
    const { t } = await freshWorld();
    const args = { email: "aide@test.fr", role: "assistante" as const, studentIds: [] };
    expect(await errorOf(as(t, "assistante").mutation(api.invitations.create, args))).toEqual({
      code: "FORBIDDEN",
      message: "Seul un administrateur peut inviter une assistante.",
    });
    await as(t, "admin").mutation(api.invitations.create, args);
  });

  it("is rate-limited per staff member", async () => {
    const { t, world } = await freshWorld();
    for (let i = 0; i < 30; i++) await inviteParent(t, world, `parent${i}@test.fr`);
    expect(await errorOf(inviteParent(t, world, "parent30@test.fr"))).toMatchObject({
      code: "RATE_LIMITED",
      message: expect.stringContaining("Trop d'invitations"),
    });
  });

  it("is refused to parents, élèves and coaches, like list, resend and revoke", async () => {
    const { t, world } = await freshWorld();
    const id = await inviteParent(t, world);
    for (const caller of ["parent", "eleve", "coach"] as const) {
      const client = as(t, caller);
      for (const call of [
        () =>
          client.mutation(api.invitations.create, {
            email: "y@test.fr",
            role: "parent",
            studentIds: [world.students.own],
          }),
        () => client.query(api.invitations.list, { paginationOpts: { numItems: 5, cursor: null } }),
        () => client.mutation(api.invitations.resend, { invitationId: id }),
        () => client.mutation(api.invitations.revoke, { invitationId: id }),
      ]) {
        expect((await errorOf(call())).code).toBe("FORBIDDEN");
      }
    }
  });
});

describe("the link", () => {
  it("previews only what the landing page needs, then is accepted once", async () => {
    const { t, world } = await freshWorld();
    const id = await inviteParent(t, world);
    const token = await sentToken(t, id);
    const row = await invitationRow(t, id);
    expect(row.tokenHash).toBe(await hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token);

    const preview = await t.query(api.invitations.preview, { token, now: Date.now() });
    expect(preview).toEqual({
      status: "valid",
      role: "parent",
      inviterName: "assistante",
      childFirstNames: ["Alice"],
      expiresAt: row.expiresAt,
    });
    expect(
      await t.query(api.invitations.preview, {
        token,
        now: Date.now(),
        email: "NOUVEAU.parent@test.fr",
      }),
    ).toMatchObject({ emailMatches: true });
    expect(
      await t.query(api.invitations.preview, { token, now: Date.now(), email: "autre@test.fr" }),
    ).toMatchObject({ emailMatches: false });

    const invitee = await signedInInvitee(t);
    expect(await invitee.mutation(api.invitations.accept, { token })).toEqual({ role: "parent" });
    const me = await invitee.query(api.users.me, {});
    expect(me?.role).toBe("parent");
    const children = await invitee.query(api.students.listMine, {
      paginationOpts: { numItems: 5, cursor: null },
    });
    expect(children.page.map((s) => s._id)).toEqual([world.students.own]);
    const accepted = await invitationRow(t, id);
    expect(accepted).toMatchObject({ status: "accepted", acceptedBy: me?._id });

    // Single use.
    expect(await t.query(api.invitations.preview, { token, now: Date.now() })).toEqual({
      status: "used",
    });
    expect(await errorOf(invitee.mutation(api.invitations.accept, { token }))).toMatchObject({
      code: "INVALID_STATE",
      message: expect.stringContaining("déjà été utilisée"),
    });
  });

  it("gives no access before it is accepted: the invited e-mail signs in without a role", async () => {
    const { t, world } = await freshWorld();
    const id = await inviteParent(t, world);
    await sentToken(t, id);
    const invitee = await signedInInvitee(t);
    expect((await invitee.query(api.users.me, {}))?.role).toBeUndefined();
    expect(
      (
        await errorOf(
          invitee.query(api.students.listMine, { paginationOpts: { numItems: 5, cursor: null } }),
        )
      ).code,
    ).toBe("NO_ROLE");
  });

  it("an unknown or malformed token is « unknown » and NOT_FOUND", async () => {
    const { t } = await freshWorld();
    for (const token of ["", "court", "a".repeat(43), "é".repeat(40)]) {
      expect(await t.query(api.invitations.preview, { token, now: 1 })).toEqual({
        status: "unknown",
      });
    }
    const invitee = await signedInInvitee(t);
    expect(
      (await errorOf(invitee.mutation(api.invitations.accept, { token: "a".repeat(43) }))).code,
    ).toBe("NOT_FOUND");
  });

  it("expires", async () => {
    const { t, world } = await freshWorld();
    const id = await inviteParent(t, world);
    const token = await sentToken(t, id);
    const { expiresAt } = await invitationRow(t, id);
    expect(await t.query(api.invitations.preview, { token, now: expiresAt })).toEqual({
      status: "expired",
    });
    await t.run(async (ctx) => ctx.db.patch(id, { expiresAt: Date.now() - 1 }));
    const invitee = await signedInInvitee(t);
    expect(await errorOf(invitee.mutation(api.invitations.accept, { token }))).toMatchObject({
      code: "INVALID_STATE",
      message: expect.stringContaining("a expiré le"),
    });
    expect((await invitee.query(api.users.me, {}))?.role).toBeUndefined();
    // A resend gives it a fresh week.
    await as(t, "assistante").mutation(api.invitations.resend, { invitationId: id });
    expect((await invitationRow(t, id)).expiresAt).toBeGreaterThan(Date.now());
  });

  it("lets an expired invitation be replaced by a new one, then not resent beside it", async () => {
    const { t, world } = await freshWorld();
    const old = await inviteParent(t, world);
    await t.run(async (ctx) => ctx.db.patch(old, { expiresAt: Date.now() - 1 }));
    await inviteParent(t, world);
    expect(
      await errorOf(as(t, "assistante").mutation(api.invitations.resend, { invitationId: old })),
    ).toMatchObject({
      code: "INVALID_STATE",
      message: expect.stringContaining("Une autre invitation"),
    });
  });

  it("dies when revoked, and a revoked invitation cannot be resent", async () => {
    const { t, world } = await freshWorld();
    const id = await inviteParent(t, world);
    const token = await sentToken(t, id);
    const assistante = as(t, "assistante");
    await assistante.mutation(api.invitations.revoke, { invitationId: id });
    expect(await t.query(api.invitations.preview, { token, now: Date.now() })).toEqual({
      status: "revoked",
    });
    const invitee = await signedInInvitee(t);
    expect(await errorOf(invitee.mutation(api.invitations.accept, { token }))).toMatchObject({
      code: "INVALID_STATE",
      message: expect.stringContaining("annulée"),
    });
    expect(
      (await errorOf(assistante.mutation(api.invitations.resend, { invitationId: id }))).code,
    ).toBe("INVALID_STATE");
    // The job of a revoked invitation sends nothing.
    expect((await workerSends(t, id, 1)).reason).toBe("invitation révoquée");
    const actions = await t.run(async (ctx) =>
      (await ctx.db.query("auditLogs").collect())
        .filter((r) => r.targetId === id)
        .map((r) => r.action),
    );
    expect(actions).toEqual(["invitation.create", "invitation.revoke"]);
  });

  it("is replaced by a resend: the old token is dead at once, the new e-mail carries a new one", async () => {
    const { t, world } = await freshWorld();
    const id = await inviteParent(t, world);
    const oldToken = await sentToken(t, id);
    await as(t, "assistante").mutation(api.invitations.resend, { invitationId: id });
    expect(await t.query(api.invitations.preview, { token: oldToken, now: Date.now() })).toEqual({
      status: "unknown",
    });
    // A late retry of the first generation's job sends nothing.
    expect((await workerSends(t, id, 1)).reason).toBe("remplacée par un envoi plus récent");
    const newToken = await sentToken(t, id, 2);
    const invitee = await signedInInvitee(t);
    expect(
      (await errorOf(invitee.mutation(api.invitations.accept, { token: oldToken }))).code,
    ).toBe("NOT_FOUND");
    expect(await invitee.mutation(api.invitations.accept, { token: newToken })).toEqual({
      role: "parent",
    });
    const jobs = await t.run(async (ctx) =>
      (await ctx.db.query("jobs").collect())
        .filter((j) => j.kind === "invitation.send")
        .map((j) => j.payload),
    );
    expect(jobs).toEqual([
      { invitationId: id, generation: 1 },
      { invitationId: id, generation: 2 },
    ]);
  });

  it("refuses another account's e-mail and leaves the invitation pending", async () => {
    const { t, world } = await freshWorld();
    const id = await inviteParent(t, world);
    const token = await sentToken(t, id);
    const stranger = await signedInInvitee(t, "quelquun@test.fr");
    expect(await errorOf(stranger.mutation(api.invitations.accept, { token }))).toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("autre adresse"),
    });
    expect((await invitationRow(t, id)).status).toBe("pending");
    expect((await stranger.query(api.users.me, {}))?.role).toBeUndefined();
  });

  it("never changes an existing account's other role", async () => {
    const { t, world } = await freshWorld();
    const id = await inviteParent(t, world);
    const token = await sentToken(t, id);
    const invitee = await signedInInvitee(t);
    const me = (await invitee.query(api.users.me, {}))!;
    await t.run(async (ctx) => ctx.db.patch(me._id, { role: "coach" }));
    expect(await errorOf(invitee.mutation(api.invitations.accept, { token }))).toMatchObject({
      code: "INVALID_STATE",
      message: expect.stringContaining("déjà le rôle « coach »"),
    });
    expect((await invitee.query(api.users.me, {}))?.role).toBe("coach");
    expect((await invitationRow(t, id)).status).toBe("pending");
  });

  it("adds the links to an account that already has the same role (a second child)", async () => {
    const { t, world } = await freshWorld();
    // parent@test.fr already guards Alice; invited as the parent of Bruno too.
    const id = await as(t, "admin").mutation(api.invitations.create, {
      email: "parent@test.fr",
      role: "parent",
      studentIds: [world.students.foreign],
    });
    const token = await sentToken(t, id);
    const parent = as(t, "parent");
    await parent.mutation(api.invitations.accept, { token });
    const children = await parent.query(api.students.listMine, {
      paginationOpts: { numItems: 5, cursor: null },
    });
    expect(children.page.map((s) => s._id).sort()).toEqual(
      [world.students.own, world.students.foreign].sort(),
    );
  });

  it("makes an élève's account the student record, and a coach's the assigned students", async () => {
    const { t, world } = await freshWorld();
    const studentId = await t.run(async (ctx) =>
      ctx.db.insert("students", {
        firstName: "Chloé",
        lastName: "Sans-Compte",
        niveau: "terminale",
        statut: "scolarise",
        specialites: [],
        createdAt: 1,
        updatedAt: 1,
      }),
    );
    const staff = as(t, "assistante");
    const eleveInvite = await staff.mutation(api.invitations.create, {
      email: "chloe@test.fr",
      role: "eleve",
      studentIds: [studentId],
    });
    const eleve = await signedInInvitee(t, "chloe@test.fr");
    await eleve.mutation(api.invitations.accept, { token: await sentToken(t, eleveInvite) });
    const me = (await eleve.query(api.users.me, {}))!;
    expect(me.role).toBe("eleve");
    expect((await t.run(async (ctx) => ctx.db.get(studentId)))?.userId).toBe(me._id);

    const coachInvite = await staff.mutation(api.invitations.create, {
      email: "coach.nouveau@test.fr",
      role: "coach",
      studentIds: [studentId, world.students.own],
    });
    const coach = await signedInInvitee(t, "coach.nouveau@test.fr");
    await coach.mutation(api.invitations.accept, { token: await sentToken(t, coachInvite) });
    await coach.query(api.students.get, { studentId });
    await coach.query(api.students.get, { studentId: world.students.own });
    expect(
      (await errorOf(coach.query(api.students.get, { studentId: world.students.foreign }))).code,
    ).toBe("NOT_FOUND");
  });
});

describe("the invitation e-mail (worker side)", () => {
  it("records one e-mail per generation, template « invitation », never sent twice", async () => {
    const { t, world } = await freshWorld();
    const id = await inviteParent(t, world);
    const context = await asWorker(t).query(api.invitations.sendContext, {
      invitationId: id,
      generation: 1,
      now: Date.now(),
    });
    expect(context).toMatchObject({
      send: true,
      to: INVITEE,
      role: "parent",
      inviterName: "assistante",
      studentNames: [{ firstName: "Alice", lastName: "Test" }],
    });
    await sentToken(t, id);
    expect((await workerSends(t, id, 1)).reason).toBe("e-mail déjà envoyé");
    const emails = await t.run(async (ctx) => ctx.db.query("emails").collect());
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({
      to: INVITEE,
      template: "invitation",
      status: "sent",
      idempotencyKey: `invitation:${id}:g1`,
    });
    expect((await invitationRow(t, id)).sentAt).toBeTypeOf("number");
  });

  it("mints a new token when an attempt died mid-send: only the newest link works", async () => {
    const { t, world } = await freshWorld();
    const id = await inviteParent(t, world);
    const worker = asWorker(t);
    const first = newToken();
    await worker.mutation(api.invitations.beginSend, {
      invitationId: id,
      generation: 1,
      tokenHash: await hashToken(first),
      subject: "Invitation",
    });
    // The worker died here; the retried job sends again with another token.
    const second = await sentToken(t, id);
    expect(await t.query(api.invitations.preview, { token: first, now: Date.now() })).toEqual({
      status: "unknown",
    });
    expect(
      (await t.query(api.invitations.preview, { token: second, now: Date.now() })).status,
    ).toBe("valid");
    expect(await t.run(async (ctx) => (await ctx.db.query("emails").collect()).length)).toBe(1);
  });

  it("lists invitations newest first with their people, for staff", async () => {
    const { t, world } = await freshWorld();
    await inviteParent(t, world, "a@test.fr");
    const second = await inviteParent(t, world, "b@test.fr");
    await as(t, "assistante").mutation(api.invitations.revoke, { invitationId: second });
    const page = await as(t, "admin").query(api.invitations.list, {
      paginationOpts: { numItems: 10, cursor: null },
    });
    expect(page.page.map((i) => [i.email, i.status])).toEqual([
      ["b@test.fr", "revoked"],
      ["a@test.fr", "pending"],
    ]);
    expect(page.page[0]).toMatchObject({
      invitedBy: { id: world.users.assistante, name: "assistante" },
      students: [{ id: world.students.own, name: "Alice Test" }],
      studentCount: 1,
    });
    const revoked = await as(t, "admin").query(api.invitations.list, {
      paginationOpts: { numItems: 10, cursor: null },
      status: "revoked",
    });
    expect(revoked.page.map((i) => i.email)).toEqual(["b@test.fr"]);
  });
});
