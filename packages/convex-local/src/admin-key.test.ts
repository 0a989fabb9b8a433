// Admin key checks (loopback only unless configured), Convex ids and the
// snapshot's export JSON: the unit-level parts of the CLI's admin commands.
import { describe, expect, test } from "vitest";
import { AdminKeys, isLoopbackAddress } from "./admin-key.ts";
import { decodeConvexId, encodeConvexId, localIdOf, parseLocalId } from "./convex-ids.ts";
import { randomDocumentId } from "./document-ids.ts";
import { exportJson, parseExportJson } from "./snapshot.ts";

const KEY = `convex-local|${"ab".repeat(32)}`;

describe("admin keys", () => {
  test("accepted from loopback addresses only", () => {
    const keys = new AdminKeys(KEY, false);
    for (const address of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) {
      expect(keys.check(KEY, address)).toEqual({ ok: true, actingAs: null });
    }
    for (const address of ["192.168.1.20", "10.0.0.2", "::ffff:172.17.0.1", "fe80::1", null]) {
      const refused = keys.check(KEY, address);
      expect(refused).toMatchObject({ ok: false, status: 403, code: "AdminKeyFromRemoteAddress" });
      expect(refused.ok ? "" : refused.message).toContain("--allow-remote-admin");
    }
  });

  test("accepted from elsewhere when configured", () => {
    expect(new AdminKeys(KEY, true).check(KEY, "192.168.1.20")).toEqual({
      ok: true,
      actingAs: null,
    });
  });

  test("a wrong key is refused with a message saying where the right one is", () => {
    const keys = new AdminKeys(KEY, false);
    for (const wrong of ["", "convex-local|00", `${KEY}0`, KEY.toUpperCase()]) {
      const refused = keys.check(wrong, "127.0.0.1");
      expect(refused).toMatchObject({ ok: false, status: 401, code: "BadAdminKey" });
      expect(refused.ok ? "" : refused.message).toContain("admin-key");
    }
  });

  test("`<key>:<base64 identity>` (convex run --identity) acts as that identity", () => {
    const identity = Buffer.from(JSON.stringify({ subject: "u1", issuer: "https://i" })).toString(
      "base64",
    );
    expect(new AdminKeys(KEY, false).check(`${KEY}:${identity}`, "::1")).toEqual({
      ok: true,
      actingAs: { subject: "u1", issuer: "https://i", tokenIdentifier: "https://i|u1" },
    });
  });

  test("loopback detection", () => {
    expect(isLoopbackAddress("[::1]")).toBe(true);
    expect(isLoopbackAddress("128.0.0.1")).toBe(false);
    expect(isLoopbackAddress("")).toBe(false);
  });
});

describe("Convex ids", () => {
  test("local ids and Convex ids map to each other exactly", () => {
    for (let i = 0; i < 200; i++) {
      const local = randomDocumentId("messages");
      const parsed = parseLocalId(local);
      if (parsed === null) throw new Error(`unparsed ${local}`);
      const id = encodeConvexId(10_001 + (i % 300), parsed.internalId);
      expect(id).toMatch(/^[0-9a-hjkmnp-tv-z]{32,33}$/);
      const decoded = decodeConvexId(id);
      expect(decoded?.tableNumber).toBe(10_001 + (i % 300));
      expect(localIdOf("messages", decoded?.internalId ?? new Uint8Array())).toBe(local);
    }
  });

  test("a changed character or a bad length is not an id (checksum)", () => {
    const id = encodeConvexId(10_001, new Uint8Array(16).fill(7));
    const changed = `${id.slice(0, 10)}${id[10] === "a" ? "b" : "a"}${id.slice(11)}`;
    expect(decodeConvexId(changed)).toBeNull();
    expect(decodeConvexId(id.slice(1))).toBeNull();
    expect(decodeConvexId("hello")).toBeNull();
  });
});

describe("export JSON", () => {
  test("int64, float64 (integral, special), bytes and nesting survive a round trip", () => {
    const bytes = new Uint8Array([0, 1, 254, 255]).buffer;
    const value = {
      b: 3n,
      a: 3,
      c: [1.5, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e21],
      d: { bytes, text: 'é\n"', no: null, yes: true },
    };
    const text = exportJson(value);
    // Keys sorted, floats always with a fraction or an exponent, int64 as integers.
    expect(text.startsWith('{"a":3.0,"b":3,"c":[1.5,-0.0,{"$float":')).toBe(true);
    const back = parseExportJson(text) as typeof value;
    expect(back.a).toBe(3);
    expect(back.b).toBe(3n);
    expect(Object.is(back.c[1], -0)).toBe(true);
    expect(back.c[2]).toBeNaN();
    expect(back.c.slice(3)).toEqual([Number.POSITIVE_INFINITY, 1e21]);
    expect(new Uint8Array(back.d.bytes as unknown as ArrayBuffer)).toEqual(new Uint8Array(bytes));
    expect(back.d).toMatchObject({ text: 'é\n"', no: null, yes: true });
  });
});
