#!/usr/bin/env bun
// convex-local: serves a Convex functions folder with the embedded offline
// runtime (see packages/convex-local/README.md for what it does and does not do).
import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { parseByteSize, startConvexLocal } from "../src/convex-local.ts";
import { freePort, superviseWithReload } from "../src/watch-supervisor.ts";

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new InvalidArgumentError("expected a port number (0 picks a free port)");
  }
  return parsed;
}

function byteSize(value: string): number {
  try {
    return parseByteSize(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
}

const program = new Command()
  .name("convex-local")
  .description(
    "Embedded OFFLINE Convex runtime: serves a Convex functions folder to the official convex clients, " +
      "with persistence. For development and tests, not a production backend.",
  )
  .option("--functions <dir>", "Convex functions folder", "convex")
  .option(
    "--port <port>",
    "port of the deployment URL (API + WebSocket), 0 = any free port",
    port,
    3210,
  )
  .option(
    "--site-port <port>",
    "port of the site URL (HTTP actions), 0 = any free port",
    port,
    3211,
  )
  .option("--data <dir>", "data folder (documents, files, scheduled functions)", ".data/convex")
  .option("--env-file <file>", "dotenv file of environment variables for the functions")
  .option("--hostname <host>", "interface to listen on", "127.0.0.1")
  .option("--watch", "reload the functions when the folder changes (data is kept)", false)
  .option("--quiet", "do not print function log lines", false)
  .option(
    "--allow-remote-admin",
    "accept the admin key from non-loopback addresses (or CONVEX_LOCAL_ALLOW_REMOTE_ADMIN=1)",
    false,
  )
  .option(
    "--max-upload-size <size>",
    "largest file an upload URL accepts, in bytes or with KiB/MiB/GiB (default 100MiB, or CONVEX_LOCAL_MAX_UPLOAD_BYTES)",
    byteSize,
  )
  .parse();

const options = program.opts<{
  functions: string;
  port: number;
  sitePort: number;
  data: string;
  envFile?: string;
  hostname: string;
  watch: boolean;
  quiet: boolean;
  maxUploadSize?: number;
  allowRemoteAdmin: boolean;
}>();

if (options.watch) {
  const apiPort = options.port === 0 ? await freePort(options.hostname) : options.port;
  const sitePort = options.sitePort === 0 ? await freePort(options.hostname) : options.sitePort;
  const command = [
    process.execPath,
    import.meta.path,
    "--functions",
    options.functions,
    "--port",
    String(apiPort),
    "--site-port",
    String(sitePort),
    "--data",
    options.data,
    "--hostname",
    options.hostname,
    ...(options.envFile ? ["--env-file", options.envFile] : []),
    ...(options.quiet ? ["--quiet"] : []),
    ...(options.allowRemoteAdmin ? ["--allow-remote-admin"] : []),
    ...(options.maxUploadSize === undefined
      ? []
      : ["--max-upload-size", String(options.maxUploadSize)]),
  ];
  await superviseWithReload({ command, functionsDir: resolve(options.functions) });
}

try {
  const runtime = await startConvexLocal({
    functionsDir: options.functions,
    port: options.port,
    sitePort: options.sitePort,
    dataDir: options.data,
    envFile: options.envFile,
    hostname: options.hostname,
    echoFunctionLogs: !options.quiet,
    maxUploadBytes: options.maxUploadSize,
    allowRemoteAdmin: options.allowRemoteAdmin || undefined,
  });
  console.log(`Convex local runtime ready at ${runtime.url}`);
  console.log(`Convex local HTTP actions at ${runtime.siteUrl}`);
  console.log(
    `Convex local admin key ${runtime.adminKeyCreated ? "generated in" : "in"} ${runtime.adminKeyFile} (mode 600): ` +
      `CONVEX_SELF_HOSTED_URL=${runtime.url} CONVEX_SELF_HOSTED_ADMIN_KEY="$(cat ${runtime.adminKeyFile})" bunx convex …`,
  );
  console.log(
    `This is convex-local, the embedded OFFLINE Convex runtime (${runtime.functionCount} functions from ${resolve(options.functions)}, data in ${resolve(options.data)}): for development and tests, not a production backend.`,
  );
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`convex-local: ${signal} received, flushing data and closing connections…`);
    await runtime.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));
} catch (error) {
  console.error(
    `convex-local could not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
}
