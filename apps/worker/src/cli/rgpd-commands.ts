// `nexus-worker rgpd export|erase …` and `nexus-worker retention run`: the personal-data rights
// and the retention policy from the CLI, as a staff member (the same functions as /admin/rgpd).
import { writeFile } from "node:fs/promises";
import { DEFAULT_OUTBOX_DIR } from "@nexus/email/outbox-sender";
import { tableLabelFr } from "@nexus/shared/table-labels";
import type { Command } from "commander";
import { pruneOutbox } from "../rgpd/outbox-retention.ts";
import type { RgpdSubject } from "./admin-api.ts";
import { OperationFailed, UsageError } from "./cli-errors.ts";
import type { CommandDeps } from "./document-commands.ts";
import { formatDate, table } from "./format.ts";

type Counts = Record<string, { deleted: number; anonymised: number; files: number }>;

const POLL_MS = 1_000;

/** Table by table under their French names, as /admin/rgpd shows them (--json keeps the code names). */
export function countsTable(counts: Counts): string {
  const rows = Object.entries(counts)
    .map(([t, c]) => [tableLabelFr(t), String(c.deleted), String(c.anonymised), String(c.files)])
    .sort(([a], [b]) => a!.localeCompare(b!, "fr"));
  const total = Object.values(counts).reduce(
    (sum, c) => [sum[0]! + c.deleted, sum[1]! + c.anonymised, sum[2]! + c.files],
    [0, 0, 0],
  );
  return table(
    ["DONNÉES", "SUPPRIMÉES", "ANONYMISÉES", "FICHIERS"],
    [...rows, ["total", ...total.map(String)]],
  );
}

function subjectOf(id: string, opts: { eleve?: boolean }): RgpdSubject {
  if (!/^[a-z0-9]{16,40}$/i.test(id)) throw new UsageError(`identifiant invalide : ${id}`);
  return opts.eleve ? { studentId: id } : { userId: id };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function registerRgpdCommands(program: Command, deps: CommandDeps): void {
  const { admin, print, printJson } = deps;
  const rgpd = program.command("rgpd").description("droits sur les données personnelles (RGPD)");

  rgpd
    .command("export <idUtilisateur>")
    .description("prépare l’export des données d’une personne et télécharge l’archive ZIP")
    .option("--eleve", "l’identifiant est celui d’une fiche élève")
    .option("--out <fichier>", "où écrire l’archive (par défaut export-<id>.zip)")
    .option("--timeout <secondes>", "attente maximale de l’archive", "600")
    .option("--json", "sortie JSON")
    .action(
      async (
        id: string,
        opts: { eleve?: boolean; out?: string; timeout: string; json?: boolean },
      ) => {
        const api = admin();
        const requestId = await api.rgpd.requestExport(subjectOf(id, opts));
        const deadline = Date.now() + Number(opts.timeout) * 1000;
        let request = (await api.rgpd.myRequests()).find((r) => r._id === requestId);
        while (request?.status === "running" && Date.now() < deadline) {
          await sleep(POLL_MS);
          request = (await api.rgpd.myRequests()).find((r) => r._id === requestId);
        }
        if (request?.status !== "ready") {
          throw new OperationFailed(
            request?.status === "running"
              ? `L’archive n’est pas prête après ${opts.timeout} s (demande ${requestId}) : un worker tourne-t-il ?`
              : `L’export a échoué : ${request?.error ?? "raison inconnue"}.`,
          );
        }
        const { url } = await api.rgpd.exportUrl(requestId);
        const response = await fetch(url);
        if (!response.ok)
          throw new OperationFailed(`Téléchargement refusé (HTTP ${response.status}).`);
        const bytes = new Uint8Array(await response.arrayBuffer());
        const out = opts.out ?? `export-${id}.zip`;
        await writeFile(out, bytes);
        if (opts.json) return printJson({ requestId, file: out, size: bytes.byteLength });
        print(`Archive écrite dans ${out} (${bytes.byteLength} octets, demande ${requestId}).`);
      },
    );

  rgpd
    .command("erase <idUtilisateur>")
    .description("efface une personne : --dry-run montre ce qui serait effacé, --yes efface")
    .option("--eleve", "l’identifiant est celui d’une fiche élève")
    .option("--dry-run", "simulation : compte les lignes et fichiers, n’efface rien")
    .option("--yes", "confirme l’effacement (irréversible)")
    .option("--timeout <secondes>", "attente maximale de la fin de l’effacement", "600")
    .option("--json", "sortie JSON")
    .action(
      async (
        id: string,
        opts: { eleve?: boolean; dryRun?: boolean; yes?: boolean; timeout: string; json?: boolean },
      ) => {
        if (Boolean(opts.dryRun) === Boolean(opts.yes)) {
          throw new UsageError("donnez soit --dry-run (simulation), soit --yes (effacement)");
        }
        const api = admin();
        const subject = subjectOf(id, opts);
        if (opts.dryRun) {
          const { subjectLabel, plan } = await api.rgpd.planFor(subject);
          if (opts.json) return printJson({ subjectLabel, plan });
          print(`Simulation d’effacement pour ${subjectLabel} (rien n’a été effacé) :`);
          print(countsTable(plan));
          return;
        }
        const requestId = await api.rgpd.requestErasure(subject);
        await api.rgpd.confirmErasure(requestId);
        const deadline = Date.now() + Number(opts.timeout) * 1000;
        let view = await api.rgpd.erasurePlan(requestId);
        while (view.request.status === "running" && Date.now() < deadline) {
          await sleep(POLL_MS);
          view = await api.rgpd.erasurePlan(requestId);
        }
        if (opts.json) return printJson(view);
        if (view.request.status !== "done") {
          throw new OperationFailed(
            view.request.status === "running"
              ? `Effacement toujours en cours après ${opts.timeout} s (demande ${requestId}) : le compte est déjà désactivé ; suivez la tâche avec « jobs list ».`
              : `L’effacement a échoué : ${view.request.error ?? "raison inconnue"}.`,
          );
        }
        print(`Effacement terminé (pseudonyme dans le journal : ${view.request.subjectLabel}) :`);
        print(countsTable(view.done ?? {}));
      },
    );

  const retention = program.command("retention").description("politique de conservation");
  retention
    .command("run")
    .description("applique la politique de conservation (--dry-run : compte sans supprimer)")
    .option("--dry-run", "simulation : ce qui serait supprimé maintenant")
    .option(
      "--outbox <dossier>",
      "boîte d’envoi locale",
      process.env.EMAIL_OUTBOX_DIR || DEFAULT_OUTBOX_DIR,
    )
    .option("--json", "sortie JSON")
    .action(async (opts: { dryRun?: boolean; outbox: string; json?: boolean }) => {
      const api = admin();
      const now = Date.now();
      const outbox = await pruneOutbox(opts.outbox, now, Boolean(opts.dryRun));
      let counts: Record<string, number>;
      let policies = (await api.rgpd.retentionOverview(now)).policies;
      if (opts.dryRun) {
        counts = (await api.rgpd.retentionOverview(now)).preview;
      } else {
        const runId = await api.rgpd.retentionRun();
        let overview = await api.rgpd.retentionOverview(now);
        let run = overview.runs.find((r) => r._id === runId);
        while (run?.status === "running") {
          await sleep(POLL_MS);
          overview = await api.rgpd.retentionOverview(Date.now());
          run = overview.runs.find((r) => r._id === runId);
        }
        policies = overview.policies;
        counts = run?.counts ?? {};
      }
      counts = { ...counts, outboxFiles: outbox.removed };
      if (opts.json) return printJson({ dryRun: Boolean(opts.dryRun), counts });
      print(
        opts.dryRun
          ? `Simulation au ${formatDate(now)} (rien n’a été supprimé) :`
          : `Conservation appliquée le ${formatDate(now)} :`,
      );
      print(
        table(
          ["DONNÉES", "CONSERVÉES", opts.dryRun ? "À SUPPRIMER" : "SUPPRIMÉES"],
          policies.map((p) => [
            p.label,
            `${p.days} j après ${p.after}`,
            String(counts[p.key] ?? 0),
          ]),
        ),
      );
    });
}
