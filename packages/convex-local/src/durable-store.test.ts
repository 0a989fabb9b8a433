import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import {
  BlobTooLargeError,
  type CommitRecord,
  DurableStore,
  encodeRecord,
  parseLogText,
  type StoredDocument,
} from "./durable-store.ts";
import { isMarkedFloat32, numbersFromBytes } from "./log-records.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "durable-store-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const doc = (id: string, fields: Record<string, unknown> = {}): StoredDocument =>
  ({ _id: id, _creationTime: 1, ...fields }) as StoredDocument;

function record(ts: bigint, writes: CommitRecord["writes"], nextDocId = 10_010): CommitRecord {
  return { ts, writes, nextDocId, lastCreationTime: 5 };
}

describe("log parsing", () => {
  test("a torn last line is not applied and is reported as the end of valid data", () => {
    const first = `${encodeRecord(record(1n, [["1notes", doc("1notes")]]))}\n`;
    const torn = encodeRecord(record(2n, [["2notes", doc("2notes")]])).slice(0, 20);
    const { records, validBytes } = parseLogText(first + torn);
    expect(records).toHaveLength(1);
    expect(validBytes).toBe(Buffer.byteLength(first));
  });

  test("Convex values round-trip through a record", () => {
    const value = doc("1samples", {
      n: 2n ** 62n,
      raw: new Uint8Array([1, 2]).buffer,
      nested: [{ a: null, negative: -(2n ** 63n) }],
      specials: [-0, Number.NaN, Number.POSITIVE_INFINITY, 1.5],
    });
    const { records } = parseLogText(
      `${encodeRecord(
        record(7n, [
          ["1samples", value],
          ["2x", null],
        ]),
      )}\n`,
    );
    const writes = records[0]?.writes ?? [];
    const decoded = writes[0]?.[1];
    const deleted = writes[1]?.[1];
    expect((decoded as StoredDocument).n).toBe(2n ** 62n);
    expect([...new Uint8Array((decoded as StoredDocument).raw as ArrayBuffer)]).toEqual([1, 2]);
    expect(deleted).toBeNull();
    const nested = (decoded as StoredDocument).nested as Array<Record<string, unknown>>;
    expect(nested[0]?.negative).toBe(-(2n ** 63n));
    const specials = (decoded as StoredDocument).specials as number[];
    expect(Object.is(specials[0], -0)).toBe(true);
    expect(specials.slice(1)).toEqual([Number.NaN, Number.POSITIVE_INFINITY, 1.5]);
    expect(records[0]?.ts).toBe(7n);
  });
});

describe("DurableStore", () => {
  test("appends survive a reopen without a clean close, torn tail dropped", () => {
    const dir = tempDir();
    const { store } = DurableStore.open(dir);
    store.append(record(1n, [["10000notes", doc("10000notes", { body: "a" })]]));
    store.append(
      record(2n, [
        ["10001notes", doc("10001notes", { body: "b" })],
        ["10000notes", null],
      ]),
    );
    // Simulate a crash: no close(), and half a line at the end of the log.
    const log = join(dir, "log-0.jsonl");
    writeFileSync(log, `${readFileSync(log, "utf8")}{"ts":"3","n":1`);
    rmSync(join(dir, "LOCK"));
    const { store: reopened, state } = DurableStore.open(dir);
    expect([...state.documents.keys()]).toEqual(["10001notes"]);
    expect(state.lastCommitTs).toBe(2n);
    expect(state.nextDocId).toBe(10_010);
    expect(readFileSync(log, "utf8").endsWith("\n")).toBe(true);
    reopened.close();
    store.close();
  });

  test("compaction writes a snapshot, starts a new log, and reloads the same state", () => {
    const dir = tempDir();
    const { store, state } = DurableStore.open(dir);
    state.documents.set("10000notes", doc("10000notes", { body: "kept" }));
    state.lastCommitTs = 42n;
    store.compact(state);
    store.append(record(43n, [["10001notes", doc("10001notes")]]));
    store.close();
    expect(existsSync(join(dir, "log-0.jsonl"))).toBe(false);
    expect(existsSync(join(dir, "snapshot.jsonl"))).toBe(true);
    const { store: reopened, state: loaded } = DurableStore.open(dir);
    expect([...loaded.documents.keys()].sort()).toEqual(["10000notes", "10001notes"]);
    expect(loaded.lastCommitTs).toBe(43n);
    reopened.close();
  });

  test("a folder in use by a live process is refused", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "LOCK"), String(process.ppid));
    expect(() => DurableStore.open(dir)).toThrow(/in use by another convex-local/);
  });

  test("blobs are content-addressed and unreferenced ones are collected past the grace period", () => {
    const dir = tempDir();
    let offset = 0;
    const { store } = DurableStore.open(dir, {
      blobGraceMs: 60_000,
      now: () => Date.now() + offset,
    });
    const kept = store.writeBlob(new Uint8Array([1, 2, 3]));
    const dropped = store.writeBlob(new Uint8Array([4]));
    expect(store.writeBlob(new Uint8Array([1, 2, 3]))).toBe(kept);
    expect([...(store.readBlob(kept) ?? [])]).toEqual([1, 2, 3]);
    // Just written: within the grace period, kept although unreferenced.
    expect(store.collectGarbageBlobs(new Set([kept]))).toBe(0);
    expect(store.readBlob(dropped)).not.toBeNull();
    offset = 61_000;
    expect(store.collectGarbageBlobs(new Set([kept]))).toBe(1);
    expect(store.readBlob(dropped)).toBeNull();
    expect(store.readBlob(kept)).not.toBeNull();
    store.close();
  });

  test("an upload in progress is never collected, even with no grace period", async () => {
    const dir = tempDir();
    const { store } = DurableStore.open(dir, { blobGraceMs: 0, now: () => Date.now() + 3_600_000 });
    let sendRest!: () => void;
    const rest = new Promise<void>((resolve) => {
      sendRest = resolve;
    });
    let firstChunkWritten!: () => void;
    const started = new Promise<void>((resolve) => {
      firstChunkWritten = resolve;
    });
    async function* body() {
      yield new Uint8Array([7, 7, 7]);
      firstChunkWritten();
      await rest;
      yield new Uint8Array([8]);
    }
    const upload = store.writeBlobStream(body(), 1024);
    await started;
    const blobs = join(dir, "blobs");
    const tmpFiles = () => readdirSync(blobs).filter((name) => name.endsWith(".tmp"));
    expect(tmpFiles()).toHaveLength(1);
    expect(store.collectGarbageBlobs(new Set())).toBe(0);
    expect(tmpFiles()).toHaveLength(1);
    sendRest();
    const blob = await upload;
    expect(blob.size).toBe(4);
    expect(tmpFiles()).toHaveLength(0);
    // Written but its `_storage` document not committed yet: pinned.
    expect(store.collectGarbageBlobs(new Set())).toBe(0);
    expect([...(store.readBlob(blob.sha256) ?? [])]).toEqual([7, 7, 7, 8]);
    blob.release();
    expect(store.collectGarbageBlobs(new Set())).toBe(1);
    expect(store.readBlob(blob.sha256)).toBeNull();
    store.close();
  });

  test("a streamed upload over its cap is refused and leaves no file", async () => {
    const dir = tempDir();
    const { store } = DurableStore.open(dir);
    async function* body() {
      yield new Uint8Array(600);
      yield new Uint8Array(600);
    }
    await expect(store.writeBlobStream(body(), 1000)).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(readdirSync(join(dir, "blobs"))).toEqual([]);
    store.close();
  });

  test("used upload URLs are remembered across a reopen until they expire", () => {
    const dir = tempDir();
    const { store } = DurableStore.open(dir);
    store.markUploadUsed("live", Date.now() + 60_000);
    store.markUploadUsed("expired", Date.now() - 1);
    expect(store.isUploadUsed("live")).toBe(true);
    expect(store.isUploadUsed("other")).toBe(false);
    store.close();
    const { store: reopened } = DurableStore.open(dir);
    expect(reopened.isUploadUsed("live")).toBe(true);
    expect(reopened.isUploadUsed("expired")).toBe(false);
    expect(readFileSync(join(dir, "uploads-used"), "utf8")).not.toContain("expired");
    reopened.close();
  });
});

describe("compact vectors", () => {
  const f32Vector = Array.from({ length: 1536 }, (_, i) => Math.fround(Math.sin(i) / 7));
  const f64Vector = Array.from({ length: 32 }, (_, i) => 0.1 * i + 1e-12);

  test("float32 arrays are written as 4 bytes a value, others as float64 bytes, both lossless", () => {
    const dir = tempDir();
    const { store, state } = DurableStore.open(dir);
    state.documents.set(
      "1chunks",
      doc("1chunks", { embedding: f32Vector, other: f64Vector, short: [0.1, 0.2] }),
    );
    store.compact(state);
    store.append(record(2n, [["2chunks", doc("2chunks", { embedding: f32Vector })]]));
    store.close();
    const snapshot = readFileSync(join(dir, "snapshot.jsonl"), "utf8");
    const line = snapshot.split("\n")[1] ?? "";
    expect(JSON.parse(snapshot.split("\n")[0] ?? "").format).toBe(2);
    expect(line).toContain('"$f32"');
    expect(line).toContain('"$f64"');
    // 1536 float32 = 6 KiB, base64: 8 KiB (as decimal JSON text it was ~30 KiB).
    expect(line.length).toBeLessThan(8_192 + 1_000);
    expect(readFileSync(join(dir, "log-1.jsonl"), "utf8")).toContain('"$f32"');
    const { store: reopened, state: loaded } = DurableStore.open(dir);
    const first = loaded.documents.get("1chunks");
    expect(first?.embedding).toEqual(f32Vector);
    expect(first?.other).toEqual(f64Vector);
    expect(first?.short).toEqual([0.1, 0.2]);
    expect(loaded.documents.get("2chunks")?.embedding).toEqual(f32Vector);
    // A short log is replayed at the next start, not worth a rewrite.
    expect(reopened.worthCompactingAtRest()).toBe(false);
    reopened.close();
  });

  test("packed numbers decode at any byte offset, aligned or not", () => {
    const values = [1.5, -0.25, Math.fround(Math.PI), 3e-5];
    const f32 = new Uint8Array(new Float32Array(values.map(Math.fround)).buffer);
    const f64 = new Uint8Array(new Float64Array(values).buffer);
    for (const offset of [0, 1, 3, 4, 8]) {
      const at = (bytes: Uint8Array) => {
        const shifted = new Uint8Array(offset + bytes.byteLength);
        shifted.set(bytes, offset);
        return shifted.subarray(offset);
      };
      const singles = numbersFromBytes(at(f32), 4);
      expect(singles).toEqual(values.map(Math.fround));
      expect(isMarkedFloat32(singles)).toBe(true);
      const doubles = numbersFromBytes(at(f64), 8);
      expect(doubles).toEqual(values);
      expect(isMarkedFloat32(doubles)).toBe(false);
    }
    expect(() => numbersFromBytes(new Uint8Array(6), 4)).toThrow("malformed packed numbers");
  });

  test("a format-1 snapshot (plain JSON arrays) still opens and is rewritten in format 2", () => {
    const dir = tempDir();
    const header = {
      format: 1,
      generation: 3,
      count: 1,
      nextDocId: 10_001,
      lastCreationTime: 1,
      lastCommitTs: "9",
    };
    const old = { _id: "1chunks", _creationTime: 1, embedding: f64Vector, text: "é" };
    writeFileSync(
      join(dir, "snapshot.jsonl"),
      `${JSON.stringify(header)}\n${JSON.stringify(old)}\n`,
    );
    writeFileSync(join(dir, "log-3.jsonl"), "");
    const { store, state } = DurableStore.open(dir);
    expect(state.documents.get("1chunks")?.embedding).toEqual(f64Vector);
    expect(state.lastCommitTs).toBe(9n);
    // Nothing in the log, but the old format asks for a rewrite.
    expect(store.worthCompactingAtRest()).toBe(true);
    store.compact(state);
    expect(store.worthCompactingAtRest()).toBe(false);
    store.close();
    const rewritten = readFileSync(join(dir, "snapshot.jsonl"), "utf8");
    expect(JSON.parse(rewritten.split("\n")[0] ?? "").format).toBe(2);
    expect(rewritten).toContain('"$f64"');
    const { store: again, state: reloaded } = DurableStore.open(dir);
    expect(reloaded.documents.get("1chunks")?.embedding).toEqual(f64Vector);
    expect(reloaded.documents.get("1chunks")?.text).toBe("é");
    expect(again.worthCompactingAtRest()).toBe(false);
    again.close();
  });

  test("a log past 4 MB and a quarter of the snapshot is worth compacting at a start or stop", () => {
    const dir = tempDir();
    const { store, state } = DurableStore.open(dir);
    state.documents.set("1notes", doc("1notes", { body: "x".repeat(1_000_000) }));
    store.compact(state);
    const body = "y".repeat(100_000);
    for (let i = 0; i < 35; i++)
      store.append(record(BigInt(i + 2), [[`${i}logs`, doc(`${i}logs`, { body })]]));
    expect(store.worthCompactingAtRest()).toBe(false);
    for (let i = 35; i < 45; i++)
      store.append(record(BigInt(i + 2), [[`${i}logs`, doc(`${i}logs`, { body })]]));
    expect(store.worthCompactingAtRest()).toBe(true);
    store.close();
  });

  test("a snapshot larger than the read buffer loads line by line", () => {
    const dir = tempDir();
    const { store, state } = DurableStore.open(dir);
    // ~40 MB of lines: several 16 MiB reads, lines cut across them.
    const body = "x".repeat(9_999);
    for (let i = 0; i < 4_000; i++) state.documents.set(`${i}notes`, doc(`${i}notes`, { body }));
    store.compact(state);
    store.close();
    const { store: reopened, state: loaded } = DurableStore.open(dir);
    expect(loaded.documents.size).toBe(4_000);
    expect(loaded.documents.get("3999notes")?.body).toBe(body);
    reopened.close();
  });
});
