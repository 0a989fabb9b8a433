// Pure pieces of the operator CLI: a finished job shows no progress, search hits sorted by
// score with a readable relevance, an unreachable Convex explained with its URL.
import { describe, expect, it } from "vitest";
import { jobEventFr, jobProgressText } from "./labels.ts";
import { BEST_FUSED_SCORE, byScore, relevanceOf } from "./relevance.ts";
import { unreachableMessage } from "./unreachable.ts";

describe("job progress", () => {
  const progress = { stage: "sleep", percent: 40, message: "pause de 5000 ms" };
  it("is shown while the job runs", () => {
    expect(jobProgressText({ status: "running", progress })).toBe("sleep 40 % pause de 5000 ms");
  });
  it.each(["completed", "failed", "cancelled", "pending"])(
    "a %s job never shows the last heartbeat's progress",
    (status) => {
      const text = jobProgressText({ status, progress });
      expect(text ?? "").not.toContain("40 %");
    },
  );
  it("names events in French", () => {
    expect(jobEventFr("lease_expired")).toBe("bail expiré (worker silencieux)");
    expect(jobEventFr("claimed")).toBe("prise par un worker");
  });
});

describe("search relevance", () => {
  it("sorts by score, best first, ties in the search's order", () => {
    const hits = [
      { id: "a", score: 0.01 },
      { id: "b", score: 0.03 },
      { id: "c", score: 0.01 },
      { id: "d", score: 0.02 },
    ];
    expect(byScore(hits).map((h) => h.id)).toEqual(["b", "d", "a", "c"]);
  });
  it("reads the fused score as a share of the best possible one", () => {
    expect(relevanceOf(BEST_FUSED_SCORE)).toEqual({ percent: 100, label: "très pertinent" });
    // First in one ranking only: half the best score.
    expect(relevanceOf(1 / 61)).toEqual({ percent: 50, label: "pertinent" });
    expect(relevanceOf(1 / 80).label).toBe("peu pertinent");
    expect(relevanceOf(1).percent).toBe(100);
  });
});

describe("unreachable Convex", () => {
  it("names the URL and what to run instead of ECONNREFUSED", () => {
    const error = Object.assign(
      new TypeError("ECONNREFUSED: Unable to connect. Is the computer able to access the url?"),
      { code: "ECONNREFUSED", path: "http://127.0.0.1:3999/api/query" },
    );
    const message = unreachableMessage(error, { CONVEX_URL: "http://127.0.0.1:3999" });
    expect(message).toContain("http://127.0.0.1:3999");
    expect(message).toContain("bun run dev");
    expect(message).not.toContain("ECONNREFUSED");
  });
  it("uses CONVEX_URL when the error carries no address (Node's fetch failed)", () => {
    const error = new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
    });
    expect(unreachableMessage(error, { CONVEX_URL: "https://exemple.convex.cloud" })).toContain(
      "https://exemple.convex.cloud",
    );
  });
  it("leaves other errors alone", () => {
    expect(unreachableMessage(new Error("Tâche introuvable."), {})).toBeNull();
  });
});
