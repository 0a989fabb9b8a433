// E-mail preferences: reports and legal messages cannot be turned off; the unsubscribe token
// is signed (a changed kind, user or signature is refused) and works signed out.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api } from "./_generated/api";
import { unsubscribeToken, verifyUnsubscribeToken } from "./model/emailPreferences";
import { as, asWorker, errorOf, freshWorld } from "./world.fixtures";

beforeEach(() => vi.stubEnv("API_KEY_SIGNING_KEY", "secret-de-test"));
afterEach(() => vi.unstubAllEnvs());

describe("e-mail preferences", () => {
  it("turns one kind off; essential kinds stay on and cannot be turned off", async () => {
    const { t } = await freshWorld();
    const parent = as(t, "parent");
    await parent.mutation(api.emailPreferences.set, { kind: "session", enabled: false });
    const prefs = await parent.query(api.emailPreferences.mine, {});
    expect(prefs.find((p) => p.kind === "session")).toEqual({
      kind: "session",
      enabled: false,
      locked: false,
    });
    expect(prefs.find((p) => p.kind === "report_sent")).toEqual({
      kind: "report_sent",
      enabled: true,
      locked: true,
    });
    expect(
      await errorOf(parent.mutation(api.emailPreferences.set, { kind: "legal", enabled: false })),
    ).toMatchObject({ code: "INVALID_ARGUMENT", message: expect.stringMatching(/rapports/) });
  });

  it("signs tokens: a forged or altered one is refused, a good one unsubscribes signed out", async () => {
    const { t, world } = await freshWorld();
    const token = await unsubscribeToken(world.users.coach, "bilan_review");
    expect(await verifyUnsubscribeToken(token)).toEqual({
      userId: world.users.coach,
      kind: "bilan_review",
    });
    const [payload, signature] = token.split(".");
    const otherPayload = btoa(`${world.users.parent}.bilan_review`)
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
    for (const bad of [`${otherPayload}.${signature}`, `${payload}.${signature}x`, "a.b.c", ""]) {
      expect(await verifyUnsubscribeToken(bad)).toBeNull();
      expect(await t.mutation(api.emailPreferences.unsubscribe, { token: bad })).toEqual({
        ok: false,
      });
    }
    // Another secret: the same token is no longer valid.
    vi.stubEnv("API_KEY_SIGNING_KEY", "autre-secret");
    expect(await verifyUnsubscribeToken(token)).toBeNull();
    vi.stubEnv("API_KEY_SIGNING_KEY", "secret-de-test");
    expect(await t.query(api.emailPreferences.unsubscribeInfo, { token })).toEqual({
      valid: true,
      kindLabel: "Bilans à relire",
      enabled: true,
    });
    expect(await t.mutation(api.emailPreferences.unsubscribe, { token })).toEqual({
      ok: true,
      kindLabel: "Bilans à relire",
    });
    const wishes = await asWorker(t).query(api.emailPreferences.recipients, {
      userIds: [world.users.coach, world.users.admin],
      kind: "bilan_review",
    });
    expect(wishes.map((w) => [w.send, typeof w.unsubscribeToken])).toEqual([
      [false, "string"],
      [true, "string"],
    ]);
    // Essential kinds: always sent, never a token.
    const reports = await asWorker(t).query(api.emailPreferences.recipients, {
      userIds: [world.users.parent],
      kind: "report_sent",
    });
    expect(reports).toEqual([{ userId: world.users.parent, send: true }]);
  });
});
