// What the centre-scale bench and its tenth-size test measure on a data folder and
// a running runtime: sizes (the folder against the raw data), resident memory, and
// the app's queries as its people run them (hybrid search, the staff dashboards, a
// coach's home). Works under Node (Vitest) and Bun.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { ConvexHttpClient } from "convex/browser";
import { convexToJson, type Value } from "convex/values";
import { api } from "../../../../convex/_generated/api.js";
import { DurableStore } from "../../src/durable-store.ts";
import { CENTRE_ADMIN, CENTRE_COACH } from "./generate.ts";

/** Bytes of every file under `dir`. */
export function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += folderBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

export interface DataSizes {
  /** Documents per table. */
  tables: Record<string, number>;
  /**
   * The data itself: each document's JSON (Convex JSON, ids and creation time included)
   * with its vectors counted at 4 bytes a value (float32, as embedding APIs produce
   * them), plus the stored files' bytes.
   */
  rawBytes: number;
  /** The same documents with vectors as decimal JSON text (snapshot format 1). */
  jsonBytes: number;
  /** Values in vectors (arrays of 16+ numbers). */
  vectorValues: number;
  folderBytes: number;
}

function isVector(value: unknown): value is number[] {
  return Array.isArray(value) && value.length >= 16 && value.every((x) => typeof x === "number");
}

/** Reads a stopped runtime's data folder (takes its lock while reading). */
export function dataSizes(dir: string): DataSizes {
  const folder = folderBytes(dir);
  const { store, state } = DurableStore.open(dir, { warn: () => {} });
  try {
    const tables: Record<string, number> = {};
    let rawBytes = 0;
    let jsonBytes = 0;
    let vectorValues = 0;
    for (const [id, doc] of state.documents) {
      const table = /^[0-9]+(.+)$/.exec(id)?.[1] ?? "?";
      tables[table] = (tables[table] ?? 0) + 1;
      const json = convexToJson(doc as Value) as Record<string, unknown>;
      jsonBytes += Buffer.byteLength(JSON.stringify(json)) + 1;
      let vectors = 0;
      for (const [field, value] of Object.entries(json)) {
        if (isVector(value)) {
          vectors += value.length;
          json[field] = [];
        }
      }
      vectorValues += vectors;
      rawBytes += Buffer.byteLength(JSON.stringify(json)) + 4 * vectors;
      if (table === "_storage") rawBytes += Number(doc.size);
    }
    return { tables, rawBytes, jsonBytes, vectorValues, folderBytes: folder };
  } finally {
    store.close();
  }
}

/** Resident memory of a process (Linux), and its peak, in bytes. */
export function residentMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { rss: kib("VmRSS") * 1024, peak: kib("VmHWM") * 1024 };
}

/** CPU time a process has used (user + system, Linux), in milliseconds. */
export function cpuMilliseconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** The centre's staff and coach, through the admin key acting as them (no sign-in server). */
export function centreClients(url: string, adminKey: string) {
  const as = (identity: { issuer: string; subject: string }) => {
    const client = new ConvexHttpClient(url, { logger: false });
    (
      client as unknown as { setAdminAuth(key: string, identity: Record<string, string>): void }
    ).setAdminAuth(adminKey, {
      ...identity,
      tokenIdentifier: `${identity.issuer}|${identity.subject}`,
    });
    return client;
  };
  return { staff: as(CENTRE_ADMIN), coach: as(CENTRE_COACH) };
}

/** The measured calls, each as the app's pages and CLI make it. */
export function centreCalls(clients: ReturnType<typeof centreClients>) {
  const now = Date.now();
  return {
    search: (query: string) => clients.staff.action(api.knowledge.search, { query, limit: 5 }),
    dashboard: () => clients.staff.query(api.stats.dashboard, { weeks: 26, now }),
    jobStats: () => clients.staff.query(api.jobs.stats, { now }),
    coachHome: () =>
      clients.coach.query(api.students.listMineWithLatestBilan, {
        paginationOpts: { numItems: 20, cursor: null },
      }),
  };
}

/** Search questions of the kind families and coaches type. */
export const SEARCH_QUESTIONS = [
  "comment étudier le sens de variation avec la dérivée",
  "suites géométriques raison",
  "probabilités conditionnelles arbre pondéré exercice",
  "récursivité pile d'appels python",
  "arbres binaires de recherche",
  "requêtes SQL base de données relationnelle",
  "quantité de matière mole",
  "énergie mécanique conservation",
  "titrage colorimétrique dosage",
  "erreur fréquente condition d'application du théorème",
];
