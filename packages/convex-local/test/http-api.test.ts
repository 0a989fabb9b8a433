// The HTTP API through the stock ConvexHttpClient: every value type, errors,
// ConvexError data, visibility of internal functions, log lines.
import { ConvexHttpClient } from "convex/browser";
import { ConvexError } from "convex/values";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api } from "./fixture/convex/_generated/api.js";
import { type RuntimeProcess, removeDir, startRuntime, tempDataDir } from "./runtime-process.ts";

let runtime: RuntimeProcess;
let client: ConvexHttpClient;
const logs: string[] = [];

beforeAll(async () => {
  runtime = await startRuntime({ dataDir: tempDataDir("http") });
  client = new ConvexHttpClient(runtime.url, {
    logger: {
      log: (...args: unknown[]) => logs.push(args.map(String).join(" ")),
      warn: () => {},
      error: () => {},
      logVerbose: () => {},
    },
  });
});

afterAll(async () => {
  await runtime.stop();
  removeDir(runtime.dataDir);
});

describe("HTTP API with ConvexHttpClient", () => {
  test("a mutation writes, a query reads it back, with its generated id", async () => {
    const id = await client.mutation(api.messages.send, {
      channel: "h1",
      author: "ana",
      body: "Bonjour",
    });
    expect(typeof id).toBe("string");
    const rows = await client.query(api.messages.list, { channel: "h1" });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ _id: id, author: "ana", body: "Bonjour", channel: "h1" });
    expect(typeof rows[0]?._creationTime).toBe("number");
  });

  test("every Convex value type survives arguments, storage and results", async () => {
    const ref = await client.mutation(api.messages.send, {
      channel: "h2",
      author: "a",
      body: "ref",
    });
    const raw = new Uint8Array([0, 1, 2, 254, 255]).buffer;
    const sample = {
      label: "types",
      count: 9007199254740993n,
      raw,
      ratio: -0.5,
      nothing: null,
      flag: true,
      nested: { list: [1, "two", null, [3n], { four: false }], deep: { text: "é à ç" } },
      ref,
    };
    const id = await client.mutation(api.samples.save, sample);
    const stored = await client.query(api.samples.get, { id });
    expect(stored).not.toBeNull();
    expect(stored?.count).toBe(9007199254740993n);
    expect(typeof stored?.count).toBe("bigint");
    expect(stored?.raw).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(stored?.raw as ArrayBuffer)]).toEqual([0, 1, 2, 254, 255]);
    expect(stored?.nested).toEqual(sample.nested);
    expect(stored?.ref).toBe(ref);
    expect(stored?.nothing).toBeNull();
    expect(await client.query(api.samples.byLabel, { label: "types" })).toHaveLength(1);

    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0]) {
      const echoed = await client.query(api.samples.echo, { value });
      expect(Object.is(echoed.value, value)).toBe(true);
    }
    const echoedInt = await client.query(api.samples.echo, { value: -(2n ** 63n) });
    expect(echoedInt).toEqual({ value: -(2n ** 63n), kind: "bigint" });
  });

  test("argument validation errors are reported, not swallowed", async () => {
    await expect(
      client.mutation(api.samples.save, {
        label: "bad",
        count: 1 as unknown as bigint,
        raw: new ArrayBuffer(0),
        ratio: 1,
        nothing: null,
        flag: false,
        nested: { list: [], deep: { text: "" } },
      }),
    ).rejects.toThrow(/Validator error/);
  });

  test("a thrown Error reaches the client with its message", async () => {
    await expect(client.query(api.messages.crash, {})).rejects.toThrow(
      /fixture query crashed on purpose/,
    );
  });

  test("ConvexError data is preserved and a failed mutation commits nothing", async () => {
    const error = await client
      .mutation(api.messages.sendChecked, { channel: "h3", body: "   " })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ConvexError);
    expect((error as ConvexError<Record<string, string>>).data).toEqual({
      code: "EMPTY_BODY",
      message: "Le message est vide.",
      channel: "h3",
    });
    await expect(client.mutation(api.messages.failAfterWrite, { channel: "h3" })).rejects.toThrow(
      /rolled back on purpose/,
    );
    expect(await client.query(api.messages.list, { channel: "h3" })).toEqual([]);
  });

  test("internal functions are not callable by clients", async () => {
    const internalRef = "counters:increment" as unknown as typeof api.counters.incrementLater;
    await expect(client.mutation(internalRef, { name: "x", delayMs: 0 })).rejects.toThrow(
      /Could not find public function for 'counters:increment'/,
    );
    const wrongKind = "messages:send" as unknown as typeof api.messages.list;
    await expect(client.query(wrongKind, { channel: "x" })).rejects.toThrow(
      /as Query, but it is defined as Mutation/,
    );
  });

  test("actions run, call internal mutations and return values", async () => {
    const result = await client.action(api.files.storeNote, { channel: "h4", text: "note" });
    expect(result.readBack).toBe("note");
    const rows = await client.query(api.messages.list, { channel: "h4" });
    expect(rows.map((row) => row._id)).toEqual([result.messageId]);
  });

  test("vector search ranks by similarity within the filter", async () => {
    const near = await client.mutation(api.messages.send, {
      channel: "vec",
      author: "a",
      body: "near",
      embedding: [1, 0, 0],
    });
    await client.mutation(api.messages.send, {
      channel: "vec",
      author: "a",
      body: "far",
      embedding: [0, 0, 1],
    });
    await client.mutation(api.messages.send, {
      channel: "other",
      author: "a",
      body: "excluded",
      embedding: [1, 0, 0],
    });
    const hits = await client.action(api.files.similar, { channel: "vec", vector: [0.9, 0.1, 0] });
    expect(hits).toHaveLength(2);
    expect(hits[0]?._id).toBe(near);
    expect(hits[0]?._score).toBeGreaterThan(hits[1]?._score ?? 1);
  });

  // Documents with vectors are read through a bounded cache of their JSON (engine.ts
  // recentVectorDocs), keyed by the document version. Mutant this catches: the cache keyed by
  // id (an edited document read back with its old body and vector).
  test("a document with a vector read, edited and read again comes back as edited", async () => {
    const id = await client.mutation(api.messages.send, {
      channel: "vec-edit",
      author: "a",
      body: "before",
      embedding: [0.5, 0.25, 0.125],
    });
    const first = await client.query(api.messages.list, { channel: "vec-edit" });
    expect(first.map((row) => [row.body, row.embedding])).toEqual([["before", [0.5, 0.25, 0.125]]]);
    await client.mutation(api.messages.edit, { id, body: "after" });
    const again = await client.query(api.messages.list, { channel: "vec-edit" });
    expect(again.map((row) => [row.body, row.embedding])).toEqual([["after", [0.5, 0.25, 0.125]]]);
  });

  test("function log lines are returned to the client", async () => {
    logs.length = 0;
    await client.mutation(api.messages.send, { channel: "h5", author: "a", body: "logged" });
    expect(logs.some((line) => line.includes("'sending' 'logged'"))).toBe(true);
  });
});
