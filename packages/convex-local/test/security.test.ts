// Holes closed after a security review of the local runtime: file URLs are
// unguessable and ids are not enumerable; request bodies are capped before
// being read; uploads stream to disk under a cap and their URLs are single
// use; a malformed escape in a storage URL is not a 500; the data folder is
// held with an OS lock; blob collection never races an upload in progress.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { ConvexHttpClient } from "convex/browser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api } from "./fixture/convex/_generated/api.js";
import { type RuntimeProcess, removeDir, startRuntime, tempDataDir } from "./runtime-process.ts";

const MAX_UPLOAD = 1024 * 1024;
let runtime: RuntimeProcess;
let client: ConvexHttpClient;

beforeAll(async () => {
  runtime = await startRuntime({
    dataDir: tempDataDir("security"),
    // A 1 MiB upload cap, and no grace period: only the tracking of uploads
    // in progress keeps their blobs from being collected.
    env: { CONVEX_LOCAL_MAX_UPLOAD_BYTES: String(MAX_UPLOAD), CONVEX_LOCAL_BLOB_GRACE_MS: "0" },
  });
  client = new ConvexHttpClient(runtime.url, { logger: false });
});

afterAll(async () => {
  await runtime.stop();
  removeDir(runtime.dataDir);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function uploadFile(
  bytes: Buffer<ArrayBuffer>,
  contentType = "application/pdf",
): Promise<string> {
  const uploadUrl = await client.mutation(api.files.generateUploadUrl, {});
  const response = await fetch(uploadUrl, {
    method: "POST",
    headers: { "Content-Type": contentType },
    body: bytes,
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { storageId: string }).storageId;
}

/** A raw HTTP/1.1 exchange: sends `head` and `body` chunks, resolves with the status line. */
function rawExchange(
  url: string,
  head: string,
  send: (write: (chunk: string | Uint8Array) => boolean) => Promise<void> | void,
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = "";
    let answered = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no response; received so far: ${received}`));
    }, 15_000);
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      const end = received.indexOf("\r\n\r\n");
      if (end < 0 || answered) return;
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(received.slice(0, end))?.[1];
      if (length !== undefined && received.length < end + 4 + Number(length)) return;
      answered = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({
        status: Number(received.slice(9, 12)),
        text: received.slice(end + 4),
      });
    });
    socket.on("error", (error) => {
      if (!answered) {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on("connect", () => {
      socket.write(head);
      void Promise.resolve(
        send((chunk) => (answered || socket.destroyed ? false : socket.write(chunk))),
      ).catch(() => {});
    });
  });
}

function blobFiles(): string[] {
  return readdirSync(join(runtime.dataDir, "blobs"));
}

describe("file URLs and ids", () => {
  test("a storage id or a neighbour of it downloads nothing; the getUrl URL does; a guessed token does not", async () => {
    const secret = randomBytes(2000);
    const storageId = await uploadFile(secret);
    const other = await uploadFile(randomBytes(100));
    const { url } =
      (await client.query(api.files.describe, { storageId: storageId as never })) ?? {};
    expect(url).toBeTruthy();

    const digits = (id: string) => BigInt(/^\d+/.exec(id)?.[0] ?? "0");
    // Signed out, over ids, ids ± 1 and the counter ids convex-test used to hand out.
    const candidates = [storageId, other, encodeURIComponent(storageId)];
    for (const delta of [-2n, -1n, 1n, 2n]) {
      candidates.push(`${(digits(storageId) + delta).toString().padStart(39, "0")}_storage`);
    }
    for (let n = 10_000; n < 10_010; n += 1) {
      candidates.push(`${String(n).padStart(24, "0")}_storage`, String(n));
    }
    for (const candidate of candidates) {
      const response = await fetch(`${runtime.url}/api/storage/${candidate}`);
      expect(response.status, candidate).toBe(404);
      expect(Buffer.from(await response.arrayBuffer()).includes(secret.subarray(0, 64))).toBe(
        false,
      );
    }

    // Ids are 128 random bits, not a counter.
    expect(/^\d{39}_storage$/.test(storageId)).toBe(true);
    const gap = digits(other) - digits(storageId);
    expect(gap === 1n || gap === -1n).toBe(false);

    // The URL carries a 128-bit token that is not the storage id.
    const token = new URL(url ?? "").pathname.split("/").pop() ?? "";
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(url).not.toContain(storageId);
    expect(url).not.toContain(String(digits(storageId)));

    const download = await fetch(url ?? "");
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(secret)).toBe(true);
    expect(download.headers.get("access-control-allow-origin")).toBeNull();

    const flipped = `${token.slice(0, -1)}${token.endsWith("0") ? "1" : "0"}`;
    for (const guess of [flipped, randomBytes(16).toString("hex")]) {
      expect((await fetch(`${runtime.url}/api/storage/${guess}`)).status).toBe(404);
    }
  });

  test("document ids are random, and the stock client uses them", async () => {
    const first = await client.mutation(api.messages.send, {
      channel: "ids",
      author: "a",
      body: "1",
    });
    const second = await client.mutation(api.messages.send, {
      channel: "ids",
      author: "a",
      body: "2",
    });
    expect(first).toMatch(/^\d{39}messages$/);
    const gap = BigInt(/^\d+/.exec(second)?.[0] ?? "0") - BigInt(/^\d+/.exec(first)?.[0] ?? "0");
    expect(gap === 1n || gap === -1n).toBe(false);
    await client.mutation(api.messages.edit, { id: second, body: "edited" });
    const rows = await client.query(api.messages.list, { channel: "ids" });
    expect(rows.map((row) => [row._id, row.body])).toEqual([
      [first, "1"],
      [second, "edited"],
    ]);
  });

  test("a malformed % escape in a storage URL is a 404, not a 500", async () => {
    for (const path of ["%", "%zz", "%E0%A4%A", "abc%", "%C0%80"]) {
      const response = await fetch(`${runtime.url}/api/storage/${path}`);
      expect(response.status, path).toBe(404);
    }
  });
});

describe("request body limits", () => {
  test("a function call declaring more than 16 MiB gets 413 before its body is sent", async () => {
    for (const path of [
      "/api/mutation",
      "/api/query",
      "/api/action",
      "/api/function",
      "/api/run/messages/send",
    ]) {
      const response = await rawExchange(
        runtime.url,
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${16 * 1024 * 1024 + 1}\r\n\r\n`,
        (write) => {
          write('{"path":"messages:send","args":');
        },
      );
      expect(response.status, path).toBe(413);
    }
  });

  test("a chunked function call body is cut off past 16 MiB with a 413", async () => {
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    const response = await rawExchange(
      runtime.url,
      "POST /api/mutation HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
      async (write) => {
        // Up to 32 MiB of whitespace, stopping as soon as the answer arrives.
        for (let i = 0; i < 128; i += 1) {
          if (!write(`${chunk.length.toString(16)}\r\n`)) return;
          write(chunk);
          write("\r\n");
          await sleep(1);
        }
      },
    );
    expect(response.status).toBe(413);
  });

  test("an upload URL works once; a second POST to it is refused", async () => {
    const uploadUrl = await client.mutation(api.files.generateUploadUrl, {});
    const first = await fetch(uploadUrl, { method: "POST", body: "first" });
    expect(first.status).toBe(200);
    const second = await fetch(uploadUrl, { method: "POST", body: "second" });
    expect(second.status).toBe(409);
    expect(await second.text()).toMatch(/already been used/);
  });

  test("an upload over the cap is refused and leaves no blob; the URL stays usable", async () => {
    const before = blobFiles().sort();
    const uploadUrl = await client.mutation(api.files.generateUploadUrl, {});
    const { pathname, search } = new URL(uploadUrl);
    // Declared too large: refused before the body is sent.
    const declared = await rawExchange(
      runtime.url,
      `POST ${pathname}${search} HTTP/1.1\r\nHost: x\r\nContent-Length: ${MAX_UPLOAD + 1}\r\n\r\n`,
      () => {},
    );
    expect(declared.status).toBe(413);
    // Chunked, no length: streamed until it passes the cap.
    const chunk = Buffer.alloc(64 * 1024, 1);
    const streamed = await rawExchange(
      runtime.url,
      `POST ${pathname}${search} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`,
      async (write) => {
        for (let i = 0; i < 64; i += 1) {
          if (!write(`${chunk.length.toString(16)}\r\n`)) return;
          write(chunk);
          write("\r\n");
          await sleep(1);
        }
      },
    );
    expect(streamed.status).toBe(413);
    expect(streamed.text).toMatch(/upload limit/);
    expect(blobFiles().sort()).toEqual(before);
    const retry = await fetch(uploadUrl, { method: "POST", body: new Uint8Array(MAX_UPLOAD) });
    expect(retry.status).toBe(200);
  });
});

describe("blob collection", () => {
  test("a file deleted while an upload is in flight does not take the upload's blob", async () => {
    const uploadUrl = await client.mutation(api.files.generateUploadUrl, {});
    const { pathname, search } = new URL(uploadUrl);
    const first = randomBytes(1000);
    const rest = randomBytes(1000);
    let sendRest!: () => void;
    const restReady = new Promise<void>((resolve) => {
      sendRest = resolve;
    });
    const exchange = rawExchange(
      runtime.url,
      `POST ${pathname}${search} HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\nContent-Length: 2000\r\n\r\n`,
      async (write) => {
        write(first);
        await restReady;
        write(rest);
      },
    );
    // The upload is being written to a temp file in blobs/.
    const deadline = Date.now() + 10_000;
    while (!blobFiles().some((name) => name.endsWith(".tmp"))) {
      if (Date.now() > deadline) throw new Error("the upload never reached the disk");
      await sleep(20);
    }
    // Deleting a file runs a collection (grace period 0 in this runtime).
    const note = await client.action(api.files.storeNote, { channel: "gc", text: "à jeter" });
    expect(await client.action(api.files.deleteFile, { storageId: note.storageId })).toBe(true);
    expect(blobFiles().some((name) => name.endsWith(".tmp"))).toBe(true);
    sendRest();
    const response = await exchange;
    expect(response.status).toBe(200);
    const { storageId } = JSON.parse(response.text) as { storageId: string };
    const described = await client.query(api.files.describe, { storageId: storageId as never });
    const download = await fetch(described?.url ?? "");
    expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.concat([first, rest]))).toBe(
      true,
    );
    // And the deleted note's blob was collected.
    expect((await fetch(note.url ?? "")).status).toBe(404);
  });
});

describe("data folder lock", () => {
  test("a second runtime is refused even with the PID file forged or removed; kill -9 frees the folder", async () => {
    const dataDir = tempDataDir("lock");
    const a = await startRuntime({ dataDir });
    try {
      const id = await new ConvexHttpClient(a.url, { logger: false }).mutation(api.messages.send, {
        channel: "lock",
        author: "a",
        body: "written by A",
      });
      await expect(startRuntime({ dataDir })).rejects.toThrow(/in use by another convex-local/);

      // As seen from another PID namespace: the recorded PID is not running there.
      const gone = spawnSync("true").pid ?? 999_999;
      writeFileSync(join(dataDir, "LOCK"), String(gone));
      await expect(startRuntime({ dataDir })).rejects.toThrow(/in use by another convex-local/);
      rmSync(join(dataDir, "LOCK"));
      expect(existsSync(join(dataDir, "LOCK"))).toBe(false);
      await expect(startRuntime({ dataDir })).rejects.toThrow(/in use by another convex-local/);

      await a.kill9();
      const b = await startRuntime({ dataDir });
      try {
        const rows = await new ConvexHttpClient(b.url, { logger: false }).query(api.messages.list, {
          channel: "lock",
        });
        expect(rows.map((row) => row._id)).toEqual([id]);
      } finally {
        await b.stop();
      }
    } finally {
      await a.kill9();
      removeDir(dataDir);
    }
  });
});
