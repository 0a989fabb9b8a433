#!/usr/bin/env bun
// `bun run seed`: inserts the demo data (convex/model/seed.ts) into the Convex deployment at
// CONVEX_URL through the worker-only seed:run mutation (signed in with WORKER_PRIVATE_KEY).
// Then uploads the starter knowledge base (packages/knowledge/starter) as global documents
// the way staff do, as the demo admin with an API key (issued by the worker's bootstrap and
// kept in SEED_API_KEY_FILE, default .data/dev-api-key, for the CLI too); the worker indexes
// them. Idempotent: running it again creates nothing (same bytes in the same scope are
// recognised as duplicates). Prints the demo accounts and one line per starter document.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { starterDocuments } from "@nexus/knowledge/starter";
import { signWorkerToken } from "@nexus/service-auth/service-tokens";
import { ConvexHttpClient } from "convex/browser";
import type { FunctionReturnType } from "convex/server";
import { ConvexError } from "convex/values";
import {
  ApiKeyRejected,
  apiKeyTokens,
  readWorkerKey,
  siteUrlFor,
} from "../apps/worker/src/auth/credentials.ts";
import { uploadDocument } from "../apps/worker/src/cli/document-upload.ts";
import { errorMessage } from "../apps/worker/src/errors.ts";
import { api } from "../convex/_generated/api";

const DEFAULT_CONVEX_URL = "http://127.0.0.1:3210";
const REQUEST_TIMEOUT_MS = 30_000;
const root = join(import.meta.dir, "..");

function fail(message: string): never {
  console.error(`seed : ${message}`);
  process.exit(1);
}

/** The worker's key: WORKER_PRIVATE_KEY(_FILE), or the dev key `bun run dev` generated. */
function workerEnv(): Record<string, string | undefined> {
  const devFile = join(root, ".data", "dev-keys", "worker-private-key.json");
  if (
    process.env.WORKER_PRIVATE_KEY ||
    process.env.WORKER_PRIVATE_KEY_FILE ||
    !existsSync(devFile)
  ) {
    return process.env;
  }
  return { ...process.env, WORKER_PRIVATE_KEY_FILE: devFile };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)));
  const line = (row: string[]) => row.map((cell, col) => cell.padEnd(widths[col]!)).join("  ");
  return [
    line(rows[0]!),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...rows.slice(1).map(line),
  ].join("\n");
}

const url = process.env.CONVEX_URL || DEFAULT_CONVEX_URL;
let workerKey: ReturnType<typeof readWorkerKey>;
try {
  workerKey = readWorkerKey(workerEnv());
} catch (error) {
  fail(errorMessage(error));
}
const client = new ConvexHttpClient(url, {
  skipConvexDeploymentUrlCheck: true,
  fetch: ((input, init) =>
    fetch(input, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })) as typeof fetch,
});

let result: FunctionReturnType<typeof api.seed.run>;
try {
  client.setAuth((await signWorkerToken(workerKey, "seed")).token);
  result = await client.mutation(api.seed.run, {});
} catch (error) {
  if (error instanceof ConvexError) {
    const data = error.data as { code?: string; message?: string };
    fail(`refusé par Convex (${data.code ?? "ERREUR"}) : ${data.message ?? String(data)}`);
  }
  const message = error instanceof Error ? error.message : String(error);
  if (/Server Error|Could not find public function/i.test(message)) {
    fail(`la fonction seed:run a échoué sur ${url} : ${message}`);
  }
  fail(
    `impossible de joindre Convex à ${url} (${message}). Lancez le backend (bun run dev) ou corrigez CONVEX_URL.`,
  );
}

const { created, skipped, accounts, issuer } = result;
const total = Object.values(created).reduce((sum, n) => sum + n, 0);
console.log(
  total === 0
    ? `Données de démonstration déjà présentes sur ${url} : rien à créer.`
    : `Données de démonstration créées sur ${url} : ${created.users} comptes, ${created.students} élèves, ` +
        `${created.guardianships} liens parent-élève, ${created.coachAssignments} suivis coach, ${created.bilans} bilans.`,
);
for (const label of skipped)
  console.log(`Bilan non créé (aucun questionnaire pour ce niveau) : ${label}`);
console.log(`\nComptes de démonstration (connexion de développement, émetteur ${issuer}) :\n`);
console.log(
  table([
    ["Rôle", "Nom", "E-mail", "Description"],
    ...accounts.map((a) => [a.role, a.name, a.email, a.description]),
  ]),
);

// Starter knowledge base: rendered in memory (deterministic bytes), uploaded as global
// documents by the demo admin, through the same functions as the web app and the CLI.
const adminEmail = accounts.find((a) => a.role === "admin")?.email ?? fail("aucun compte admin.");
const keyFile = process.env.SEED_API_KEY_FILE ?? join(root, ".data", "dev-api-key");
const siteUrl = siteUrlFor(url, process.env);

/** The demo admin's key from the key file if still valid, else a new one from the bootstrap. */
async function adminTokens() {
  if (existsSync(keyFile)) {
    const tokens = apiKeyTokens(siteUrl, readFileSync(keyFile, "utf8").trim());
    try {
      await tokens();
      return tokens;
    } catch (error) {
      if (!(error instanceof ApiKeyRejected)) throw error;
    }
  }
  const { key } = await client.mutation(api.apiKeys.bootstrap, {
    email: adminEmail,
    label: "seed",
  });
  mkdirSync(dirname(keyFile), { recursive: true });
  writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  console.log(
    `\nClé d'API de l'admin de démonstration écrite dans ${keyFile} (NEXUS_API_KEY_FILE).`,
  );
  return apiKeyTokens(siteUrl, key);
}

const tokens = await adminTokens().catch((error) => fail(errorMessage(error)));
const staff = new ConvexHttpClient(url, { skipConvexDeploymentUrlCheck: true });
const asAdmin = async () => {
  staff.setAuth(await tokens());
  return staff;
};
const starter = await starterDocuments();
console.log(`\nBase de connaissances de départ (${starter.length} documents) :`);
let failures = 0;
let added = 0;
for (const document of starter) {
  try {
    const result = await uploadDocument(
      {
        generateUploadUrl: async () =>
          (await asAdmin()).mutation(api.documents.generateUploadUrl, {}),
        addDocument: async (args) => (await asAdmin()).action(api.documents.create, args),
      },
      {
        bytes: document.bytes,
        title: document.title,
        scope: "global",
        subject: document.subject ?? undefined,
        niveau: document.niveau ?? undefined,
      },
    );
    if (!result.duplicate) added++;
    console.log(`  ${result.duplicate ? "déjà présent" : "ajouté      "}  ${document.title}`);
  } catch (error) {
    failures++;
    console.error(`  échec         ${document.title} : ${errorMessage(error)}`);
  }
}
if (added > 0) {
  console.log(
    `${added} document(s) ajouté(s) : le worker les indexe (suivi : bunx nexus-worker documents list).`,
  );
}
if (failures > 0) fail(`${failures} document(s) de départ non ajouté(s).`);
