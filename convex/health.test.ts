import { expect, it } from "vitest";
import { api } from "./_generated/api";
import { makeConvexTest } from "./test.setup";

it("answers the public health check without authentication", async () => {
  const t = makeConvexTest();
  expect(await t.query(api.health.check, {})).toEqual({ ok: true, service: "nexus-reussite" });
});
