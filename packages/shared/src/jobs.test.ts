import { describe, expect, it } from "vitest";
import { JobPayloadError, parseJobPayload } from "./jobs";

describe("parseJobPayload", () => {
  it("accepts a valid payload and applies defaults", () => {
    expect(parseJobPayload("bilan.pdf", { bilanId: "b1" })).toEqual({
      bilanId: "b1",
      final: false,
    });
  });
  it("rejects a payload with a clear error naming the kind and field", () => {
    expect(() => parseJobPayload("system.echo", { sleepMs: -1 })).toThrow(JobPayloadError);
    expect(() => parseJobPayload("system.echo", { sleepMs: -1 })).toThrow(/system\.echo.*sleepMs/s);
  });
});
