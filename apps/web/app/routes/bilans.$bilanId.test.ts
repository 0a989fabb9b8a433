// The e-mail link /bilans/:bilanId: sign-in first (the path kept), then each role to its own
// page for that bilan, and the French 404 for a bilan the caller may not read or a made-up id.
import { getFunctionName } from "convex/server";
import { ConvexError } from "convex/values";
import { beforeEach, describe, expect, it, vi } from "vitest";

type Answer = { bilan: { _id: string } } | { error: unknown };

const state: { user: Record<string, unknown> | null; answer: Answer; calls: string[] } = {
  user: null,
  answer: { bilan: { _id: "b1" } },
  calls: [],
};

vi.mock("~/utils/auth.server", async () => {
  const { redirect } = await import("@remix-run/node");
  return {
    WAITING_PAGE: "/acces-en-attente",
    hasRole: (user: { role?: string }) => user.role !== undefined,
    requireUser: async (request: Request) => {
      if (!state.user) {
        const url = new URL(request.url);
        throw redirect(`/connexion?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
      }
      return { user: state.user, token: "jeton" };
    },
  };
});

vi.mock("~/utils/convex.server", () => ({
  convexForRequest: () => ({
    query: async (ref: unknown, args: Record<string, unknown>) => {
      state.calls.push(`${getFunctionName(ref as never)} ${JSON.stringify(args)}`);
      if ("error" in state.answer) throw state.answer.error;
      return state.answer.bilan;
    },
  }),
}));

const { loader } = await import("./bilans.$bilanId");

async function responseOf(bilanId: string): Promise<Response> {
  try {
    await loader({
      request: new Request(`http://127.0.0.1:3000/bilans/${bilanId}`),
      params: { bilanId },
      context: {},
    });
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
  throw new Error("the loader always throws a Response");
}

describe("/bilans/:bilanId (e-mail links)", () => {
  beforeEach(() => {
    state.user = { _id: "u1", name: "Isabelle", role: "parent" };
    state.answer = { bilan: { _id: "b1" } };
    state.calls = [];
  });

  it("sends a signed-out visitor to sign in, coming back to the same link", async () => {
    state.user = null;
    const response = await responseOf("b1");
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("/connexion?redirectTo=%2Fbilans%2Fb1");
    expect(state.calls).toEqual([]);
  });

  it.each([
    ["eleve", "/eleve/bilans/b1"],
    ["parent", "/parent/bilans/b1"],
    ["coach", "/coach/bilans/b1"],
    ["assistante", "/coach/bilans/b1"],
    ["admin", "/coach/bilans/b1"],
  ])("sends a %s to their own page for the bilan (%s)", async (role, location) => {
    state.user = { _id: "u1", name: "X", role };
    const response = await responseOf("b1");
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe(location);
    expect(state.calls).toEqual(['bilans:get {"bilanId":"b1"}']);
  });

  it("sends a person without a role to the waiting page", async () => {
    state.user = { _id: "u1", name: "X" };
    const response = await responseOf("b1");
    expect(response.headers.get("Location")).toBe("/acces-en-attente");
  });

  it.each([
    ["NOT_FOUND (another family's bilan)", new ConvexError({ code: "NOT_FOUND", message: "x" })],
    ["FORBIDDEN", new ConvexError({ code: "FORBIDDEN", message: "x" })],
    [
      "a made-up id (Convex validator)",
      new Error("ArgumentValidationError: Value does not match validator."),
    ],
    [
      "a made-up id (local runtime validator)",
      new Error('Validator error: Expected ID for table "bilans"'),
    ],
  ])("answers 404 for %s, never a hint that the bilan exists", async (_case, error) => {
    state.answer = { error };
    const response = await responseOf("b2");
    expect(response.status).toBe(404);
    expect(response.headers.get("Location")).toBeNull();
  });

  it("lets other failures reach the error boundary (not a 404)", async () => {
    state.answer = { error: new ConvexError({ code: "RATE_LIMITED", message: "x" }) };
    await expect(responseOf("b1")).rejects.toBeInstanceOf(ConvexError);
    state.answer = { error: new Error("fetch failed") };
    await expect(responseOf("b1")).rejects.toThrow("fetch failed");
  });
});
