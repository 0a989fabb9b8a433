// File storage through upload URLs and serving URLs (5 MB binary), storage in
// actions, and http.ts routes on the site port.
import { randomBytes } from "node:crypto";
import { ConvexHttpClient } from "convex/browser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api } from "./fixture/convex/_generated/api.js";
import { type RuntimeProcess, removeDir, startRuntime, tempDataDir } from "./runtime-process.ts";

let runtime: RuntimeProcess;
let client: ConvexHttpClient;

beforeAll(async () => {
  runtime = await startRuntime({ dataDir: tempDataDir("storage") });
  client = new ConvexHttpClient(runtime.url, { logger: false });
});

afterAll(async () => {
  await runtime.stop();
  removeDir(runtime.dataDir);
});

describe("file storage", () => {
  test("a 5 MB binary goes up through an upload URL and comes back identical", async () => {
    const bytes = randomBytes(5 * 1024 * 1024);
    const uploadUrl = await client.mutation(api.files.generateUploadUrl, {});
    expect(uploadUrl.startsWith(runtime.url)).toBe(true);
    const upload = await fetch(uploadUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-test-binary" },
      body: bytes,
    });
    expect(upload.status).toBe(200);
    const { storageId } = (await upload.json()) as { storageId: string };
    await client.mutation(api.files.attach, { channel: "files", storageId: storageId as never });

    const described = await client.query(api.files.describe, { storageId: storageId as never });
    expect(described).toMatchObject({
      size: bytes.length,
      contentType: "application/x-test-binary",
    });
    const download = await fetch(described?.url ?? "");
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("application/x-test-binary");
    const downloaded = Buffer.from(await download.arrayBuffer());
    expect(downloaded.equals(bytes)).toBe(true);
  });

  test("an upload URL with a forged token is refused", async () => {
    const uploadUrl = await client.mutation(api.files.generateUploadUrl, {});
    const forged = uploadUrl.replace(/token=[^&]+/, `token=${Date.now() + 60_000}.forged`);
    const response = await fetch(forged, { method: "POST", body: "x" });
    expect(response.status).toBe(401);
  });

  test("actions store, read, describe and delete files", async () => {
    const stored = await client.action(api.files.storeNote, {
      channel: "notes",
      text: "Bilan: très bien",
    });
    expect(stored.readBack).toBe("Bilan: très bien");
    expect(stored.contentType).toMatch(/^text\/plain/);
    expect(await (await fetch(stored.url ?? "")).text()).toBe("Bilan: très bien");
    expect(await client.action(api.files.deleteFile, { storageId: stored.storageId })).toBe(true);
    expect(await client.query(api.files.describe, { storageId: stored.storageId })).toBeNull();
    expect((await fetch(stored.url ?? "")).status).toBe(404);
  });
});

describe("HTTP actions on the site port", () => {
  test("GET and POST routes run with their query string and body", async () => {
    const created = await fetch(`${runtime.siteUrl}/messages`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ body: "via http action" }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const rows = await client.query(api.messages.list, { channel: "http" });
    expect(rows.map((row) => row._id)).toContain(id);

    const hello = await fetch(`${runtime.siteUrl}/hello?name=L%C3%A9a`);
    expect(await hello.json()).toEqual({ hello: "Léa", total: rows.length });
  });

  test("an unknown route is a 404", async () => {
    expect((await fetch(`${runtime.siteUrl}/nope`)).status).toBe(404);
  });
});
