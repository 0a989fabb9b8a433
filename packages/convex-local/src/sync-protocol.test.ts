import { describe, expect, test } from "vitest";
import { clientMessageSchema, decodeTs, encodeTs } from "./sync-protocol.ts";

describe("sync protocol", () => {
  test("timestamps are base64 little-endian u64, as the clients' Long decoding expects", () => {
    expect(encodeTs(1n)).toBe("AQAAAAAAAAA=");
    const ts = 1_763_000_000_123_456_789n;
    expect(decodeTs(encodeTs(ts))).toBe(ts);
  });

  test("client messages are validated", () => {
    expect(
      clientMessageSchema.parse({
        type: "ModifyQuerySet",
        baseVersion: 0,
        newVersion: 1,
        modifications: [{ type: "Add", queryId: 0, udfPath: "messages:list", args: [{}] }],
      }).type,
    ).toBe("ModifyQuerySet");
    expect(() => clientMessageSchema.parse({ type: "Mutation", requestId: 1 })).toThrow();
  });
});
