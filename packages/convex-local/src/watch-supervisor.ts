// --watch: runs the runtime in a child process and restarts it when the
// functions folder changes. Data lives on disk, so a restart keeps it; a fresh
// process is the only way to reload every module (Bun cannot drop one from its
// module cache). Connected clients reconnect and resubscribe by themselves.
import { type FSWatcher, watch } from "node:fs";
import { createServer } from "node:net";
import type { Subprocess } from "bun";

export async function freePort(hostname: string): Promise<number> {
  return await new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, hostname, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Changes that require a reload (sources, not editor droppings). */
export function isReloadRelevant(filename: string | null): boolean {
  if (filename === null) return true;
  const name = filename.split(/[\\/]/).pop() ?? "";
  if (name.startsWith(".") || name.endsWith("~") || name.endsWith(".swp")) return false;
  return /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts|json)$/.test(name);
}

export interface SupervisorOptions {
  /** Command that starts one runtime process (without --watch). */
  command: string[];
  functionsDir: string;
  debounceMs?: number;
}

export async function superviseWithReload(options: SupervisorOptions): Promise<never> {
  let child: Subprocess | null = null;
  let stopping = false;
  let restarting = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const start = () => {
    child = Bun.spawn(options.command, { stdout: "inherit", stderr: "inherit", stdin: "ignore" });
    const current = child;
    void current.exited.then((code) => {
      if (!stopping && !restarting && current === child) {
        console.error(
          `[convex-local] the runtime exited with code ${code}; waiting for a change in ${options.functionsDir} to restart it.`,
        );
        child = null;
      }
    });
  };

  const restart = async () => {
    if (stopping) return;
    restarting = true;
    console.log(
      `[convex-local] ${options.functionsDir} changed: reloading functions (data is kept).`,
    );
    const previous = child;
    if (previous !== null) {
      previous.kill("SIGTERM");
      await previous.exited;
    }
    restarting = false;
    if (!stopping) start();
  };

  const watcher: FSWatcher = watch(
    options.functionsDir,
    { recursive: true },
    (_event, filename) => {
      if (!isReloadRelevant(filename === null ? null : String(filename))) return;
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => void restart(), options.debounceMs ?? 300);
    },
  );

  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    watcher.close();
    if (timer !== null) clearTimeout(timer);
    const current = child as Subprocess | null;
    if (current !== null) {
      current.kill("SIGTERM");
      await current.exited;
    }
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());

  start();
  return await new Promise<never>(() => {});
}
