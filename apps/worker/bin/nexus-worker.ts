#!/usr/bin/env bun
// `bunx nexus-worker <command>`: see src/cli/program.ts and README.md.
import { runCli, terminalIo } from "../src/cli/program.ts";

process.exitCode = await runCli(process.argv.slice(2), terminalIo());
