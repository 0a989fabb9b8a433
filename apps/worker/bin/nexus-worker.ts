#!/usr/bin/env bun
// `bunx nexus-worker <command>`: see src/cli/program.ts and README.md.
import { runCli, terminalIo } from "../src/cli/program.ts";

const code = await runCli(process.argv.slice(2), terminalIo());
process.exitCode = code;
// The daemon has released everything by now; a handler that ignored its
// AbortSignal must not keep the process alive.
if (process.argv[2] === "start") setTimeout(() => process.exit(code), 2_000).unref();
