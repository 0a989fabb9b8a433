// `nexus-worker consistency`: the wallet check, live, as staff (convex/model/consistency.ts):
// every wallet's balance against the sum of its entries, then the orphans (sessions without a
// debit, debits without a session, payments without a purchase, purchases without a payment).
// Exit code 1 when something is wrong, so a cron or a monitoring script can alert on it.
import type { Command } from "commander";
import type { CommandDeps } from "./document-commands.ts";

export const CONSISTENCY_PARTS = [
  "wallets",
  "sessions",
  "debits",
  "payments",
  "purchases",
] as const;
export type ConsistencyPart = (typeof CONSISTENCY_PARTS)[number];

export interface CheckPage {
  checked: number;
  problems: { kind: string; message: string; ref: string }[];
  continueCursor: string;
  isDone: boolean;
}

export type FetchPage = (part: ConsistencyPart, cursor: string | null) => Promise<CheckPage>;

const PART_FR: Record<ConsistencyPart, string> = {
  wallets: "portefeuilles (solde = somme des écritures)",
  sessions: "séances (un débit chacune)",
  debits: "débits et remboursements (séance existante)",
  payments: "paiements payés (un crédit chacun)",
  purchases: "crédits d’achat (paiement payé)",
};

export interface ConsistencyResult {
  counts: Record<ConsistencyPart, number>;
  problems: CheckPage["problems"];
}

/** Walks every part to its end. */
export async function runConsistency(fetchPage: FetchPage): Promise<ConsistencyResult> {
  const counts = Object.fromEntries(CONSISTENCY_PARTS.map((p) => [p, 0])) as Record<
    ConsistencyPart,
    number
  >;
  const problems: CheckPage["problems"] = [];
  for (const part of CONSISTENCY_PARTS) {
    let cursor: string | null = null;
    for (;;) {
      const page = await fetchPage(part, cursor);
      counts[part] += page.checked;
      problems.push(...page.problems);
      if (page.isDone) break;
      cursor = page.continueCursor;
    }
  }
  return { counts, problems };
}

export function formatConsistency(result: ConsistencyResult): string {
  const lines = CONSISTENCY_PARTS.map(
    (p) => `  ${String(result.counts[p]).padStart(6)} ${PART_FR[p]}`,
  );
  const head = ["Vérification des portefeuilles :", ...lines, ""];
  if (result.problems.length === 0) {
    return [...head, "Aucune anomalie : chaque solde est égal à la somme de ses écritures."].join(
      "\n",
    );
  }
  const n = result.problems.length;
  return [
    ...head,
    `${n} anomalie${n > 1 ? "s" : ""} :`,
    ...result.problems.map((p) => `  - ${p.message}`),
  ].join("\n");
}

export function registerConsistencyCommand(program: Command, deps: CommandDeps): void {
  program
    .command("consistency")
    .description("vérifie les portefeuilles de crédits : soldes, séances, paiements orphelins")
    .option("--json", "sortie JSON")
    .action(async (opts: { json?: boolean }) => {
      const result = await runConsistency((part, cursor) =>
        deps.admin().consistencyPage(part, cursor),
      );
      if (opts.json) deps.printJson(result);
      else deps.print(formatConsistency(result));
      const n = result.problems.length;
      // exit code 1 (runCli): « Échec : 2 anomalies… » on stderr after the report
      if (n > 0) throw new Error(`${n} anomalie${n > 1 ? "s" : ""} dans les portefeuilles.`);
    });
}
