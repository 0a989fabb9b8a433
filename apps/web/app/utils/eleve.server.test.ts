import { ConvexError } from "convex/values";
import { describe, expect, it } from "vitest";
import { orPageError, pageErrorFrom } from "./eleve.server";

describe("élève page errors", () => {
  it("turns NOT_FOUND and FORBIDDEN into the 404 and 403 pages", () => {
    const notFound = pageErrorFrom(new ConvexError({ code: "NOT_FOUND", message: "x" }));
    expect(notFound).toBeInstanceOf(Response);
    expect((notFound as Response).status).toBe(404);
    const forbidden = pageErrorFrom(new ConvexError({ code: "FORBIDDEN", message: "x" }));
    expect((forbidden as Response).status).toBe(403);
  });

  it("rethrows anything else unchanged", async () => {
    const other = new ConvexError({ code: "RATE_LIMITED", message: "x" });
    expect(pageErrorFrom(other)).toBe(other);
    const plain = new Error("réseau");
    await expect(orPageError(Promise.reject(plain))).rejects.toBe(plain);
    await expect(orPageError(Promise.resolve(3))).resolves.toBe(3);
  });
});
