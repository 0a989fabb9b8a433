// `nexus-worker documents add|list|remove` and `nexus-worker search`: the staff's command
// line for the knowledge base, through the worker-secret Convex functions. Progress goes
// to stderr (bars on a TTY, plain lines otherwise); results to stdout (tables or --json).
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { formatBytes } from "@nexus/knowledge/sniff";
import {
  type Niveau,
  niveaux,
  type Subject,
  subjects,
  zNiveau,
  zSubject,
} from "@nexus/shared/domain";
import { type Command, InvalidArgumentError, Option } from "commander";
import { errorMessage } from "../errors.ts";
import type { AdminApi, DocumentStatus } from "./admin-api.ts";
import { OperationFailed, UsageError } from "./cli-errors.ts";
import {
  DocumentRefusedError,
  type DocumentTarget,
  isInvalidIdError,
  parseScope,
  titleFromFilename,
  uploadDocument,
} from "./document-upload.ts";
import { formatDate, table, truncate } from "./format.ts";
import {
  createProgressDisplay,
  INGEST_STATUS_FR,
  isFinished,
  type ProgressState,
} from "./ingest-progress.ts";
import type { CliIo } from "./program.ts";
import { byScore, relevanceOf } from "./relevance.ts";

export interface CommandDeps {
  io: CliIo;
  admin: () => AdminApi;
  print: (text: string) => void;
  printJson: (value: unknown) => void;
}

function parseSubject(value: string): Subject {
  const r = zSubject.safeParse(value);
  if (!r.success) throw new InvalidArgumentError(`matière inconnue (${subjects.join(", ")})`);
  return r.data;
}

function parseNiveau(value: string): Niveau {
  const r = zNiveau.safeParse(value);
  if (!r.success) throw new InvalidArgumentError(`niveau inconnu (${niveaux.join(", ")})`);
  return r.data;
}

function parseScopeOption(value: string): DocumentTarget {
  try {
    return parseScope(value);
  } catch (error) {
    throw new InvalidArgumentError(errorMessage(error));
  }
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 20) {
    throw new InvalidArgumentError("entier entre 1 et 20 attendu");
  }
  return n;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("durée en secondes attendue");
  return n;
}

interface AddOutcome {
  file: string;
  title: string;
  outcome: "added" | "duplicate" | "refused";
  documentId?: string;
  error?: string;
  final?: ProgressState & { pages?: number; ocrPages?: number; chunkCount?: number };
}

function toState(status: DocumentStatus): ProgressState & {
  pages?: number;
  ocrPages?: number;
  chunkCount?: number;
} {
  if (!status) return { status: "deleted" };
  return {
    status: status.status,
    percent: status.percent,
    message: status.message,
    error: status.error,
    pages: status.pages,
    ocrPages: status.ocrPages,
    chunkCount: status.chunkCount,
  };
}

/**
 * Follows the documents' ingestion live (Convex subscription) until each one is indexed,
 * failed or deleted; returns their final states. Rejects after `timeoutMs`.
 */
function follow(
  deps: CommandDeps,
  documentIds: string[],
  labels: string[],
  timeoutMs: number,
): Promise<ReturnType<typeof toState>[]> {
  const display = createProgressDisplay(labels, {
    isTTY: deps.io.isTTY,
    write: deps.io.stderr,
    columns: deps.io.columns,
  });
  return new Promise((resolve, reject) => {
    let settled = false;
    let stop: (() => Promise<void>) | undefined;
    const end = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      display.finish();
      void (stop?.() ?? Promise.resolve()).finally(action);
    };
    const timer = setTimeout(
      () =>
        end(() =>
          reject(
            new OperationFailed(
              `indexation non terminée après ${Math.round(timeoutMs / 1000)} s (elle continue en arrière-plan ; un worker est-il démarré ?)`,
            ),
          ),
        ),
      timeoutMs,
    );
    stop = deps.admin().watchDocuments(
      documentIds,
      (statuses) => {
        if (settled) return;
        const states = statuses.map(toState);
        for (const [i, state] of states.entries()) display.update(i, state);
        if (states.every(isFinished)) end(() => resolve(states));
      },
      (error) => end(() => reject(error)),
    );
  });
}

function summaryLine(result: AddOutcome): string {
  const name = `« ${result.title} »`;
  if (result.outcome === "refused") return `${name} (${result.file}) : refusé — ${result.error}`;
  const head =
    result.outcome === "duplicate"
      ? `${name} : déjà présent (${result.documentId})`
      : `${name} : ajouté (${result.documentId})`;
  const final = result.final;
  if (!final) return head;
  if (final.status === "indexed") {
    const ocr = final.ocrPages ? `, dont ${final.ocrPages} par OCR` : "";
    return `${head}, indexé : ${final.pages ?? "?"} page(s)${ocr}, ${final.chunkCount ?? "?"} extrait(s)`;
  }
  if (final.status === "failed") return `${head}, échec de l'indexation : ${final.error ?? ""}`;
  if (final.status === "deleted") return `${head}, supprimé pendant l'indexation`;
  return `${head}, ${INGEST_STATUS_FR[final.status]}`;
}

export function registerDocumentCommands(program: Command, deps: CommandDeps): void {
  const { io, admin, print, printJson } = deps;
  const documents = program
    .command("documents")
    .description("base de connaissances : ajouter, lister, supprimer des documents");

  documents
    .command("add <fichiers...>")
    .description("ajoute des fichiers PDF, PNG, JPEG ou WebP et suit leur indexation")
    .addOption(
      new Option("--scope <portée>", "global ou student:<id de l'élève>")
        .argParser(parseScopeOption)
        .default({ scope: "global" }, "global"),
    )
    .option("--title <titre>", "titre (un seul fichier ; par défaut le nom du fichier)")
    .addOption(new Option("--subject <matière>", "matière").argParser(parseSubject))
    .addOption(new Option("--niveau <niveau>", "niveau").argParser(parseNiveau))
    .option("--no-wait", "ne pas attendre la fin de l'indexation")
    .option("--timeout <s>", "attente maximale de l'indexation, en secondes", parseSeconds, 1800)
    .option("--json", "sortie JSON (un objet par fichier)")
    .action(async (files: string[], opts) => {
      if (opts.title !== undefined && files.length > 1) {
        throw new UsageError("--title ne s'utilise qu'avec un seul fichier");
      }
      const target = opts.scope as DocumentTarget;
      const results: AddOutcome[] = [];
      for (const file of files) {
        const title = (opts.title as string | undefined) ?? titleFromFilename(basename(file));
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(await readFile(file));
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          const reason =
            code === "ENOENT"
              ? "fichier introuvable"
              : code === "EISDIR"
                ? "c'est un dossier"
                : errorMessage(error);
          results.push({ file, title, outcome: "refused", error: `${reason}.` });
          io.stderr(`${file} : ${reason}\n`);
          continue;
        }
        try {
          const added = await uploadDocument(admin(), {
            bytes,
            title,
            ...target,
            subject: opts.subject,
            niveau: opts.niveau,
          });
          results.push({
            file,
            title,
            outcome: added.duplicate ? "duplicate" : "added",
            documentId: added.documentId,
          });
          io.stderr(
            `${file} : ${added.duplicate ? "contenu déjà présent dans cette portée, non réindexé" : `envoyé (${formatBytes(bytes.byteLength)})`}\n`,
          );
        } catch (error) {
          if (!(error instanceof DocumentRefusedError)) throw error;
          results.push({ file, title, outcome: "refused", error: error.message });
          io.stderr(`${file} : refusé — ${error.message}\n`);
        }
      }

      const accepted = results.filter((r) => r.documentId !== undefined);
      if (opts.wait && accepted.length > 0) {
        const finals = await follow(
          deps,
          accepted.map((r) => r.documentId!),
          accepted.map((r) => r.title),
          opts.timeout * 1000,
        );
        accepted.forEach((r, i) => {
          r.final = finals[i];
        });
      }

      if (opts.json) printJson(results);
      else for (const r of results) print(summaryLine(r));
      const refused = results.filter((r) => r.outcome === "refused").length;
      const failed = accepted.filter(
        (r) => r.final && (r.final.status === "failed" || r.final.status === "deleted"),
      ).length;
      if (refused + failed > 0) {
        throw new OperationFailed(
          [
            refused > 0 ? `${refused} fichier(s) refusé(s)` : "",
            failed > 0 ? `${failed} indexation(s) en échec` : "",
          ]
            .filter(Boolean)
            .join(", "),
        );
      }
    });

  documents
    .command("list")
    .description("liste les documents, les plus récents d'abord, avec leur statut d'indexation")
    .option("--limit <n>", "nombre maximal de documents (500 au plus)", (v) => Number(v), 100)
    .option("--json", "sortie JSON (tableau de documents)")
    .action(async (opts) => {
      if (!Number.isInteger(opts.limit) || opts.limit < 1) {
        throw new UsageError("--limit : entier positif attendu");
      }
      const rows = await admin().listDocuments(opts.limit);
      if (opts.json) return printJson(rows);
      if (rows.length === 0) return print("Aucun document.");
      print(
        table(
          ["ID", "TITRE", "PORTÉE", "MATIÈRE", "STATUT", "PAGES", "EXTRAITS", "TAILLE", "AJOUTÉ"],
          rows.map((d) => [
            d._id,
            truncate(d.title, 40),
            d.scope === "global" ? "global" : `élève ${d.studentId}`,
            d.subject ?? "—",
            d.status === "failed"
              ? `échec : ${truncate(d.error ?? "", 40)}`
              : d.status === "indexed"
                ? INGEST_STATUS_FR.indexed
                : `${INGEST_STATUS_FR[d.status]} ${d.progress?.percent ?? 0} %`,
            d.pages === undefined ? "—" : `${d.pages}${d.ocrPages ? ` (${d.ocrPages} OCR)` : ""}`,
            d.chunkCount === undefined ? "—" : String(d.chunkCount),
            formatBytes(d.size),
            formatDate(d.createdAt),
          ]),
        ),
      );
    });

  documents
    .command("remove <id>")
    .description("supprime un document, son fichier et ses extraits (invisibles aussitôt)")
    .option("--yes", "ne pas demander de confirmation")
    .option("--json", "sortie JSON")
    .action(async (id: string, opts) => {
      const [status] = await admin()
        .documentStatus([id])
        .catch((error: unknown) => {
          throw new OperationFailed(
            isInvalidIdError(error, "documents")
              ? `identifiant de document invalide : ${id}`
              : errorMessage(error),
          );
        });
      if (!status) throw new OperationFailed(`Document introuvable : ${id}.`);
      if (!opts.yes) {
        if (!io.isTTY) {
          throw new UsageError(
            `suppression de « ${status.title} » : ajoutez --yes pour confirmer hors d'un terminal.`,
          );
        }
        if (!(await io.confirm(`Supprimer « ${status.title} » et ses extraits ? [o/N] `))) {
          return print("Abandon : rien n'a été supprimé.");
        }
      }
      await admin().removeDocument(id);
      if (opts.json) return printJson({ documentId: id, title: status.title, removed: true });
      print(`Document « ${status.title} » supprimé.`);
    });
}

export function registerSearchCommand(program: Command, deps: CommandDeps): void {
  const { admin, print, printJson } = deps;
  program
    .command("search <question>")
    .description(
      "cherche dans la base de connaissances (documents communs, et un élève avec --student)",
    )
    .option("--student <id>", "inclure les documents de cet élève")
    .addOption(new Option("--subject <matière>", "seulement cette matière").argParser(parseSubject))
    .option("--limit <n>", "nombre de résultats (1 à 20)", parseLimit, 5)
    .option("--json", "sortie JSON (extraits du plus au moins pertinent, avec score et pertinence)")
    .action(async (question: string, opts) => {
      const hits = await admin()
        .search({
          query: question,
          studentId: opts.student,
          subject: opts.subject,
          limit: opts.limit,
        })
        .catch((error: unknown) => {
          throw new OperationFailed(
            opts.student && isInvalidIdError(error, "students")
              ? `identifiant d'élève invalide : ${opts.student}`
              : errorMessage(error),
          );
        });
      // Best first, whatever order the diversified search returned them in.
      const sorted = byScore(hits).map((hit) => ({ ...hit, relevance: relevanceOf(hit.score) }));
      if (opts.json) return printJson(sorted);
      if (sorted.length === 0) return print("Aucun résultat.");
      const blocks = sorted.map((hit, i) => {
        const pages =
          hit.pageStart === hit.pageEnd
            ? `p. ${hit.pageStart}`
            : `p. ${hit.pageStart}-${hit.pageEnd}`;
        return `${i + 1}. « ${hit.documentTitle} », ${pages} — ${hit.relevance.label} (${hit.relevance.percent} %)\n   ${truncate(hit.text, 200)}`;
      });
      print(blocks.join("\n\n"));
    });
}
