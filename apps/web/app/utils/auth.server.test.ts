// Guards with the dev sign-in: a real session cookie and real tokens; Convex replaced by a
// stub that answers users.me / users.ensureCurrent.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getFunctionName } from "convex/server";
import { beforeEach, describe, expect, it, vi } from "vitest";

const calls: string[] = [];
let row: Record<string, unknown> | null = null;
/** Thrown by the stub's users.me (e.g. the ConvexError of an erased account). */
let meError: unknown = null;

vi.mock("./convex.server", () => ({
  convexForRequest: (token?: string) => ({
    query: async (ref: unknown) => {
      calls.push(`query ${getFunctionName(ref as never)} ${token ? "auth" : "anon"}`);
      if (meError) throw meError;
      return row;
    },
    mutation: async (ref: unknown) => {
      calls.push(`mutation ${getFunctionName(ref as never)}`);
      row ??= { _id: "u1", email: "nouveau@exemple.fr", name: "Nouveau", tokenIdentifier: "x" };
      return row;
    },
  }),
}));

async function load() {
  vi.resetModules();
  vi.stubEnv("NODE_ENV", "development");
  vi.stubEnv("DEV_AUTH_KEY_DIR", mkdtempSync(join(tmpdir(), "nxr-auth-")));
  const auth = await import("./auth.server");
  const session = await import("./session.server");
  return { ...auth, ...session };
}

async function thrown(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected a thrown Response");
}

function requestWith(cookie: string, path = "/eleve/bilans/b1?onglet=rapport") {
  return new Request(`http://127.0.0.1:3000${path}`, {
    headers: { Cookie: cookie.split(";")[0]! },
  });
}

describe("requireUser / requireRole", () => {
  beforeEach(() => {
    calls.length = 0;
    row = null;
    vi.unstubAllEnvs();
  });

  it("sends a signed-out visitor to /connexion with the page asked for", async () => {
    const { requireUser } = await load();
    const response = await thrown(
      requireUser(new Request("http://127.0.0.1:3000/parent/bilans/b1?v=2")),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(
      "/connexion?redirectTo=%2Fparent%2Fbilans%2Fb1%3Fv%3D2",
    );
  });

  it("returns the person and a Convex token once signed in", async () => {
    const { requireUser, startSession } = await load();
    row = { _id: "u1", email: "camille@x.fr", name: "Camille", role: "eleve" };
    const cookie = await startSession("camille@x.fr", "Camille");
    const { user, token } = await requireUser(requestWith(cookie));
    expect(user.name).toBe("Camille");
    expect(token.split(".")).toHaveLength(3);
    expect(calls).toEqual(["query users:me auth"]);
  });

  it("creates the row on the first sign-in (users.ensureCurrent)", async () => {
    const { requireUser, startSession } = await load();
    const cookie = await startSession("nouveau@exemple.fr", "Nouveau");
    await requireUser(requestWith(cookie));
    expect(calls).toEqual(["query users:me auth", "mutation users:ensureCurrent"]);
  });

  it("answers 403 for another role", async () => {
    const { requireRole, startSession } = await load();
    row = { _id: "u1", email: "camille@x.fr", name: "Camille", role: "eleve" };
    const cookie = await startSession("camille@x.fr", "Camille");
    const response = await thrown(requireRole(requestWith(cookie, "/coach"), ["coach"]));
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/pas accessible/);
  });

  it("sends an erased person whose page is still open to /compte-supprime", async () => {
    const { ConvexError } = await import("convex/values");
    const { requireRole, startSession } = await load();
    const cookie = await startSession("ines@x.fr", "Inès");
    meError = new ConvexError({ code: "ACCOUNT_ERASED", message: "Ce compte a été supprimé." });
    try {
      const response = await thrown(requireRole(requestWith(cookie, "/eleve"), ["eleve"]));
      expect(response.status).toBe(302);
      expect(response.headers.get("Location")).toBe("/compte-supprime");
    } finally {
      meError = null;
    }
  });

  it("lets the right role through", async () => {
    const { requireRole, startSession } = await load();
    row = { _id: "u1", email: "j@x.fr", name: "Julien", role: "coach" };
    const cookie = await startSession("j@x.fr", "Julien");
    const { user } = await requireRole(requestWith(cookie, "/coach"), ["coach"]);
    expect(user.role).toBe("coach");
  });

  it("sends a person without a role to the waiting page", async () => {
    const { requireRole, startSession } = await load();
    row = { _id: "u1", email: "n@x.fr", name: "Nouveau" };
    const cookie = await startSession("n@x.fr", "Nouveau");
    const response = await thrown(requireRole(requestWith(cookie), ["eleve"]));
    expect(response.headers.get("Location")).toBe("/acces-en-attente");
  });

  it("refuses a session after its account signed out elsewhere", async () => {
    const { requireUser, startSession, getSessionData, recordSignOut } = await load();
    const { getEnv } = await import("./env.server");
    row = { _id: "u1", email: "c@x.fr", name: "C", role: "eleve" };
    const cookie = await startSession("c@x.fr", "C");
    expect(await getSessionData(requestWith(cookie))).not.toBeNull();
    recordSignOut(getEnv(), "c@x.fr", Date.now() + 1);
    expect((await thrown(requireUser(requestWith(cookie)))).status).toBe(302);
    const fresh = await startSession("c@x.fr", "C");
    expect(await getSessionData(requestWith(fresh))).not.toBeNull();
  });

  it("ignores a tampered cookie", async () => {
    const { getSessionData, startSession } = await load();
    const cookie = await startSession("c@x.fr", "C");
    const [name, value] = cookie.split(";")[0]!.split("=");
    const forged = `${name}=${btoa(JSON.stringify({ email: "admin@x.fr" }))}${value!.slice(-10)}`;
    expect(await getSessionData(requestWith(forged))).toBeNull();
  });

  it("sets an httpOnly, SameSite=Lax cookie", async () => {
    const { startSession } = await load();
    const cookie = await startSession("c@x.fr", "C");
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });
});
