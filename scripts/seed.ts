#!/usr/bin/env bun
// `bun run seed`: inserts the demo data (convex/model/seed.ts) into the Convex
// deployment at CONVEX_URL through the worker-secret-gated seed:run mutation.
// Then uploads the starter knowledge base (packages/knowledge/starter) as global documents
// through the worker-secret upload path; the worker indexes them. Idempotent: running it
// again creates nothing (same bytes in the same scope are recognised as duplicates).
// Prints the demo accounts and one line per starter document.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { starterDocuments } from "@nexus/knowledge/starter";
import { ConvexHttpClient } from "convex/browser";
import type { FunctionReturnType } from "convex/server";
import { ConvexError } from "convex/values";
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

/** WORKER_SECRET, or the dev secret `bun run dev` generated for this checkout. */
function workerSecret(): string {
  if (process.env.WORKER_SECRET) return process.env.WORKER_SECRET;
  const devFile = join(root, ".data", "dev-worker-secret");
  if (existsSync(devFile)) return readFileSync(devFile, "utf8").trim();
  return fail(
    "WORKER_SECRET n'est pas défini. Donnez-lui la valeur de la variable WORKER_SECRET du déploiement Convex.",
  );
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
const secret = workerSecret();
const client = new ConvexHttpClient(url, {
  skipConvexDeploymentUrlCheck: true,
  fetch: ((input, init) =>
    fetch(input, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })) as typeof fetch,
});

let result: FunctionReturnType<typeof api.seed.run>;
try {
  result = await client.mutation(api.seed.run, { workerSecret: secret });
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

// Starter knowledge base: rendered in memory (deterministic bytes), uploaded as global documents.
const starter = await starterDocuments();
console.log(`\nBase de connaissances de départ (${starter.length} documents) :`);
let failures = 0;
let added = 0;
for (const document of starter) {
  try {
    const result = await uploadDocument(
      {
        generateUploadUrl: () =>
          client.mutation(api.ingestion.generateUploadUrl, { workerSecret: secret }),
        addDocument: (args) =>
          client.action(api.ingestion.addDocument, { ...args, workerSecret: secret }),
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
