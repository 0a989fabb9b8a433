// Benchmark (run with `bun`): another user's mutation latency while one
// client floods the runtime with subscriptions. The attacker opens 600
// subscriptions on one WebSocket (the same paginated query, distinct
// `paginationOpts.id`) and saves to the data they read in a loop; a second
// attack uses 200 subscriptions with distinct page sizes (no two alike, so
// deduplication cannot help) and saves over HTTP, without waiting for its own
// subscriptions. The victim, on its own WebSocket with a live query, runs
// mutations one after the other; we measure each `await client.mutation()`
// (it resolves once the victim's subscriptions reflect the write). Last
// stdout line: one JSON object.
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { api } from "../test/fixture/convex/_generated/api.js";
import { removeDir, startRuntime, tempDataDir } from "../test/runtime-process.ts";

const TARGET_P99_MS = 50;
const SAMPLES = 200;
/** Stops sampling early when the runtime is this slow (the unprotected runtime). */
const MAX_SAMPLING_MS = 60_000;

const attackerArgs = process.argv.indexOf("--attacker");
const runtime =
  attackerArgs >= 0 ? null : await startRuntime({ dataDir: tempDataDir("bench-flood") });
const url = runtime?.url ?? (process.argv[attackerArgs + 1] as string);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
};
const round = (n: number) => Math.round(n * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Stats {
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

async function victimLatency(label: string): Promise<Stats> {
  const victim = new ConvexClient(url, { logger: false });
  const channel = `victim-${label}`;
  let ready = false;
  const unsubscribe = victim.onUpdate(api.messages.count, { channel }, () => {
    ready = true;
  });
  while (!ready) await sleep(5);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < SAMPLES; i += 1) {
    const start = performance.now();
    await victim.mutation(api.messages.send, { channel, author: "victim", body: `v${i}` });
    samples.push(performance.now() - start);
    if (performance.now() - started > MAX_SAMPLING_MS) break;
    await sleep(5);
  }
  unsubscribe();
  await victim.close();
  return {
    samples: samples.length,
    p50: round(percentile(samples, 50)),
    p99: round(percentile(samples, 99)),
    max: round(Math.max(...samples)),
  };
}

interface Attack {
  subscribed: number;
  failed: number;
  saves: () => number;
  stop(): Promise<void>;
}

/**
 * The attacker runs in its own process (its client-side work must not slow
 * down the victim's client): `count` subscriptions to messages.page on one
 * socket (`distinctSizes` gives each its own page size, otherwise they differ
 * only by paginationOpts.id), then a save loop on that socket (`ws`) or over
 * HTTP. It reports on stdout: `ready <answered> <refused>`, `saves <n>`.
 */
async function attackerProcess(
  label: string,
  count: number,
  distinctSizes: boolean,
  saveOver: "ws" | "http",
): Promise<never> {
  const attacker = new ConvexClient(url, { logger: false });
  const channel = `flood-${label}`;
  for (let i = 0; i < 20; i += 1) {
    await attacker.mutation(api.messages.send, { channel, author: "attacker", body: `seed${i}` });
  }
  let answered = 0;
  let failed = 0;
  for (let i = 0; i < count; i += 1) {
    let first = true;
    attacker.onUpdate(
      api.messages.page,
      { channel, paginationOpts: { numItems: distinctSizes ? i + 1 : 10, cursor: null, id: i } },
      () => {
        if (first) answered += 1;
        first = false;
      },
      () => {
        if (first) failed += 1;
        first = false;
      },
    );
  }
  const deadline = performance.now() + 120_000;
  while (answered + failed < count && performance.now() < deadline) await sleep(20);
  console.log(`ready ${answered} ${failed}`);
  let saves = 0;
  setInterval(() => console.log(`saves ${saves}`), 250);
  const http = new ConvexHttpClient(url, { logger: false });
  for (;;) {
    try {
      const args = { channel, author: "attacker", body: `s${saves}` };
      if (saveOver === "ws") await attacker.mutation(api.messages.send, args);
      else await http.mutation(api.messages.send, args, { skipQueue: true });
      saves += 1;
    } catch {
      await sleep(10);
    }
  }
}

async function startAttack(
  label: string,
  count: number,
  distinctSizes: boolean,
  saveOver: "ws" | "http",
): Promise<Attack> {
  const child = Bun.spawn(
    [
      "bun",
      import.meta.path,
      "--attacker",
      url,
      label,
      String(count),
      String(distinctSizes),
      saveOver,
    ],
    { stdout: "pipe", stderr: "inherit" },
  );
  let subscribed = -1;
  let failed = -1;
  let saves = 0;
  const ready = new Promise<void>((resolve) => {
    void (async () => {
      const decoder = new TextDecoder();
      const reader = child.stdout.getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value);
        let newline = buffer.indexOf("\n");
        while (newline >= 0) {
          const [kind, a, b] = buffer.slice(0, newline).split(" ");
          buffer = buffer.slice(newline + 1);
          newline = buffer.indexOf("\n");
          if (kind === "ready") {
            subscribed = Number(a);
            failed = Number(b);
            resolve();
          } else if (kind === "saves") {
            saves = Number(a);
          }
        }
      }
    })();
  });
  await ready;
  // Let the attack reach its steady state.
  await sleep(1000);
  return {
    subscribed,
    failed,
    saves: () => saves,
    async stop() {
      child.kill();
      await child.exited;
    },
  };
}

if (attackerArgs >= 0) {
  const [label, count, distinct, over] = process.argv.slice(attackerArgs + 2);
  await attackerProcess(label ?? "", Number(count), distinct === "true", over as "ws" | "http");
}

try {
  const baseline = await victimLatency("baseline");
  const scenarios: Record<string, unknown> = {};
  for (const [name, count, distinct, over] of [
    ["sameQuery600SaveOnSocket", 600, false, "ws"],
    ["distinctQueries200SaveOverHttp", 200, true, "http"],
  ] as const) {
    const attack = await startAttack(name, count, distinct, over);
    const savesBefore = attack.saves();
    const started = performance.now();
    const victim = await victimLatency(name);
    const seconds = (performance.now() - started) / 1000;
    const attackerSavesPerSecond = round((attack.saves() - savesBefore) / seconds);
    await attack.stop();
    scenarios[name] = {
      attackerSubscriptionsAnswered: attack.subscribed,
      attackerSubscriptionsRefused: attack.failed,
      attackerSavesPerSecond,
      victimMutationMs: victim,
    };
  }
  const flood = scenarios.sameQuery600SaveOnSocket as { victimMutationMs: Stats };
  const distinct = scenarios.distinctQueries200SaveOverHttp as { victimMutationMs: Stats };
  const result = {
    bench: "convex-local subscription flood",
    victimMutationMsWithoutAttack: baseline,
    scenarios,
    targets: { victimP99Ms: TARGET_P99_MS },
    ok: flood.victimMutationMs.p99 < TARGET_P99_MS && distinct.victimMutationMs.p99 < TARGET_P99_MS,
  };
  console.log(JSON.stringify(result));
} finally {
  await runtime?.stop();
  if (runtime) removeDir(runtime.dataDir);
}
