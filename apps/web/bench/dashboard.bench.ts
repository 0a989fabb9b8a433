// Benchmark: server render of each role's dashboard against the local runtime with the demo
// data, on the whole stack as `bun run dev` starts it (fresh data folder, Vite's dev server).
// A person signs in through /connexion (session cookie), then each dashboard is requested
// repeatedly; a sample is the time to the full HTML. Target (issue 10): p50 ≤ 100 ms.
// Last stdout line: one JSON object.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEMO_ACCOUNTS } from "@nexus/shared/demo-accounts";
import { startFreshStack, WEB_URL } from "../tests/setup/stack.ts";

const TARGET_P50_MS = 100;
const WARMUP = 5;
const SAMPLES = 40;
const root = join(import.meta.dir, "../../..");

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Signs in as a demo account the way the /connexion form does; returns the session cookie. */
async function signIn(email: string): Promise<string> {
  const response = await fetch(`${WEB_URL}/connexion`, {
    method: "POST",
    body: new URLSearchParams({ email }),
    redirect: "manual",
  });
  const cookie = response.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`sign-in as ${email} failed: HTTP ${response.status}`);
  return cookie;
}

async function render(path: string, cookie: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${WEB_URL}${path}`, { headers: { cookie }, redirect: "manual" });
  const html = await response.text();
  const elapsed = performance.now() - started;
  if (response.status !== 200 || !html.includes("</html>")) {
    throw new Error(`GET ${path} answered ${response.status}`);
  }
  return elapsed;
}

const dataDir = mkdtempSync(join(tmpdir(), "nexus-web-bench-"));
const stack = await startFreshStack({ root, dataDir, logPath: join(dataDir, "stack.log") });
const results: Record<string, { samples: number; p50: number; p95: number; max: number }> = {};
try {
  const firstOf = (role: string) => DEMO_ACCOUNTS.find((a) => a.role === role)!.email;
  for (const [path, role] of [
    ["/eleve", "eleve"],
    ["/parent", "parent"],
    ["/coach", "coach"],
  ] as const) {
    const cookie = await signIn(firstOf(role));
    for (let i = 0; i < WARMUP; i++) await render(path, cookie);
    const times: number[] = [];
    for (let i = 0; i < SAMPLES; i++) times.push(await render(path, cookie));
    const round = (ms: number) => Math.round(ms * 10) / 10;
    results[path] = {
      samples: SAMPLES,
      p50: round(percentile(times, 50)),
      p95: round(percentile(times, 95)),
      max: round(Math.max(...times)),
    };
  }
} finally {
  await stack.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
const worstP50 = Math.max(...Object.values(results).map((r) => r.p50));
console.log(
  JSON.stringify({
    bench: "web dashboard server render (dev server, local runtime, demo data)",
    renderMs: results,
    targets: { p50Ms: TARGET_P50_MS },
    ok: worstP50 <= TARGET_P50_MS,
  }),
);
