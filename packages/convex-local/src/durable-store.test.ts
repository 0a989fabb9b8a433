import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import {
  type CommitRecord,
  DurableStore,
  encodeRecord,
  parseLogText,
  type StoredDocument,
} from "./durable-store.ts";

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
      nested: [{ a: null }],
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

  test("blobs are content-addressed and unreferenced ones are collected", () => {
    const dir = tempDir();
    const { store } = DurableStore.open(dir);
    const kept = store.writeBlob(new Uint8Array([1, 2, 3]));
    const dropped = store.writeBlob(new Uint8Array([4]));
    expect(store.writeBlob(new Uint8Array([1, 2, 3]))).toBe(kept);
    expect([...(store.readBlob(kept) ?? [])]).toEqual([1, 2, 3]);
    expect(store.collectGarbageBlobs(new Set([kept]))).toBe(1);
    expect(store.readBlob(dropped)).toBeNull();
    expect(store.readBlob(kept)).not.toBeNull();
    store.close();
  });
});
