// --watch: editing the functions folder reloads the modules and keeps the data.
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConvexHttpClient } from "convex/browser";
import { makeFunctionReference } from "convex/server";
import { expect, test } from "vitest";
import { api } from "./fixture/convex/_generated/api.js";
import { packageDir, removeDir, tempDataDir } from "./runtime-process.ts";

test("a changed module is reloaded and the data is kept", async () => {
  // Inside the package so the copy resolves `convex` from node_modules.
  const work = mkdtempSync(join(packageDir, "test", ".watch-"));
  const functionsDir = join(work, "convex");
  cpSync(join(packageDir, "test/fixture/convex"), functionsDir, { recursive: true });
  const dataDir = tempDataDir("watch");
  const child = spawn(
    "bun",
    [
      join(packageDir, "bin/convex-local.ts"),
      "--functions",
      functionsDir,
      "--port",
      "0",
      "--site-port",
      "0",
      "--data",
      dataDir,
      "--quiet",
      "--watch",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const readyCount = () => output.match(/Convex local runtime ready at/g)?.length ?? 0;
  const waitForReady = async (count: number) => {
    for (let i = 0; i < 400 && readyCount() < count; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (readyCount() < count) throw new Error(`not ready:\n${output}`);
  };
  try {
    await waitForReady(1);
    const url = /Convex local runtime ready at (\S+)/.exec(output)?.[1] ?? "";
    const client = new ConvexHttpClient(url, { logger: false });
    const id = await client.mutation(api.messages.send, {
      channel: "w",
      author: "a",
      body: "kept",
    });

    const source = join(functionsDir, "messages.ts");
    writeFileSync(
      source,
      `${readFileSync(source, "utf8")}\nexport const ping = query({ args: {}, handler: async () => "pong" });\n`,
    );
    await waitForReady(2);
    const ping = makeFunctionReference<"query", Record<string, never>, string>("messages:ping");
    expect(await client.query(ping, {})).toBe("pong");
    const rows = await client.query(api.messages.list, { channel: "w" });
    expect(rows.map((row) => row._id)).toEqual([id]);
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    removeDir(work);
    removeDir(dataDir);
  }
});
