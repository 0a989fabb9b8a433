// `nexus-worker students list|show` and `bilans list|show`: find the ids other commands ask
// for (a student's bilans and documents, a bilan's versions and e-mails) without the web app.

import { formatBytes } from "@nexus/knowledge/sniff";
import {
  bilanStatuses,
  bilanStatusLabels,
  niveauLabels,
  subjectLabels,
} from "@nexus/shared/vocabulary";
import { type Command, InvalidArgumentError, Option } from "commander";
import { errorMessage } from "../errors.ts";
import { OperationFailed } from "./cli-errors.ts";
import type { CommandDeps } from "./document-commands.ts";
import { isInvalidIdError } from "./document-upload.ts";
import { formatDate, table, truncate } from "./format.ts";
import { INGEST_STATUS_FR } from "./ingest-progress.ts";
import { EMAIL_STATUS_FR } from "./labels.ts";

type BilanStatus = (typeof bilanStatuses)[number];

function parseBilanStatus(value: string): BilanStatus {
  if (!(bilanStatuses as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(
      `statut de bilan inconnu (connus : ${bilanStatuses.join(", ")})`,
    );
  }
  return value as BilanStatus;
}

function parseLimit(max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`entier de 1 à ${max} attendu`);
    }
    return n;
  };
}

const label = <K extends string>(labels: Record<K, string>, key: string) =>
  (labels as Record<string, string>)[key] ?? key;

const score = (overall?: { percent?: number } | null) =>
  overall?.percent === undefined ? "—" : `${Math.round(overall.percent)} %`;

/** A bad id or an unknown record, said in French (exit 1, as any failed operation). */
function notFound(what: "students" | "bilans", id: string) {
  return (error: unknown): never => {
    if (isInvalidIdError(error, what)) {
      throw new OperationFailed(
        `identifiant ${what === "students" ? "d’élève" : "de bilan"} invalide : ${id}`,
      );
    }
    throw new OperationFailed(errorMessage(error));
  };
}

export function registerPeopleCommands(program: Command, deps: CommandDeps): void {
  const { admin, print, printJson } = deps;

  const students = program
    .command("students")
    .description("les élèves, leurs bilans et leurs documents");

  students
    .command("list")
    .description("liste les élèves (par nom), ou ceux dont le nom contient --search")
    .option("--search <texte>", "prénom ou nom (20 résultats au plus)")
    .option("--limit <n>", "nombre maximal d’élèves (1 à 1000)", parseLimit(1000), 100)
    .option("--json", "sortie JSON (tableau d’élèves)")
    .action(async (opts: { search?: string; limit: number; json?: boolean }) => {
      const rows = opts.search?.trim()
        ? await admin().searchStudents(opts.search.trim())
        : await allStudents(opts.limit);
      const list = rows.slice(0, opts.limit);
      if (opts.json) return printJson(list);
      if (list.length === 0) return print("Aucun élève.");
      print(
        table(
          ["ID", "NOM", "PRÉNOM", "NIVEAU", "ÉTABLISSEMENT"],
          list.map((s) => [
            s._id,
            s.lastName,
            s.firstName,
            label(niveauLabels, s.niveau),
            s.school ?? "—",
          ]),
        ),
      );
    });

  async function allStudents(limit: number) {
    const out: Awaited<ReturnType<ReturnType<typeof admin>["listStudents"]>>["page"] = [];
    let cursor: string | null = null;
    while (out.length < limit) {
      const page: Awaited<ReturnType<ReturnType<typeof admin>["listStudents"]>> =
        await admin().listStudents(cursor, Math.min(100, limit - out.length));
      out.push(...page.page);
      if (page.isDone) break;
      cursor = page.continueCursor;
    }
    return out;
  }

  students
    .command("show <idÉlève>")
    .description("un élève avec ses parents, coachs, bilans, documents et e-mails")
    .option("--json", "sortie JSON")
    .action(async (studentId: string, opts: { json?: boolean }) => {
      const api = admin();
      const student = await api.getStudent(studentId).catch(notFound("students", studentId));
      const [relations, bilans, documents, emails] = await Promise.all([
        api.studentRelations(studentId),
        api.studentBilans(studentId, 50),
        api.studentDocuments(studentId, 100),
        api.studentEmails(studentId),
      ]);
      if (opts.json) {
        return printJson({ student, ...relations, bilans: bilans.page, documents, emails });
      }
      const names = (people: { name?: string | null; email?: string | null }[]) =>
        people.length === 0 ? "—" : people.map((p) => p.name || p.email || "?").join(", ");
      print(
        [
          `Élève ${student.firstName} ${student.lastName} (${student._id})`,
          `  niveau          ${label(niveauLabels, student.niveau)}`,
          `  établissement   ${student.school ?? "—"}`,
          `  spécialités     ${student.specialites.join(", ") || "—"}`,
          `  parents         ${names(relations.parents)}`,
          `  coachs          ${names(relations.coaches)}`,
          "",
          `Bilans (${bilans.page.length})`,
          bilans.page.length === 0
            ? "  aucun"
            : table(
                ["ID", "MATIÈRE", "STATUT", "SCORE", "MIS À JOUR"],
                bilans.page.map((b) => [
                  b._id,
                  label(subjectLabels, b.subject),
                  label(bilanStatusLabels, b.status),
                  score(b.overall),
                  formatDate(b.updatedAt),
                ]),
              ),
          "",
          `Documents (${documents.length})`,
          documents.length === 0
            ? "  aucun"
            : table(
                ["ID", "TITRE", "ÉTAT", "TAILLE", "AJOUTÉ"],
                documents.map((d) => [
                  d._id,
                  truncate(d.title, 40),
                  label(INGEST_STATUS_FR, d.status),
                  formatBytes(d.size),
                  formatDate(d.createdAt),
                ]),
              ),
          "",
          `E-mails (${emails.length})`,
          emails.length === 0
            ? "  aucun"
            : table(
                ["DESTINATAIRE", "BILAN", "ÉTAT", "ENVOYÉ"],
                emails.map((e) => [
                  e.recipientName ? `${e.recipientName} <${e.to}>` : e.to,
                  e.bilanSubjectLabel,
                  e.statusLabel,
                  formatDate(e.sentAt ?? e.createdAt),
                ]),
              ),
        ].join("\n"),
      );
    });

  const bilans = program.command("bilans").description("les bilans : statut, versions, e-mails");

  bilans
    .command("list")
    .description("les bilans, les plus récemment modifiés d’abord")
    .addOption(
      new Option("--status <statut>", `filtrer par statut (${bilanStatuses.join(", ")})`).argParser(
        parseBilanStatus,
      ),
    )
    .option("--student <id>", "seulement les bilans de cet élève")
    .option("--limit <n>", "nombre maximal de bilans (1 à 200)", parseLimit(200), 50)
    .option("--json", "sortie JSON (tableau de bilans)")
    .action(
      async (opts: { status?: BilanStatus; student?: string; limit: number; json?: boolean }) => {
        const rows = opts.student
          ? (
              await admin()
                .studentBilans(opts.student, 200)
                .catch(notFound("students", opts.student))
            ).page
              .filter((b) => !opts.status || b.status === opts.status)
              .slice(0, opts.limit)
              .map((b) => ({ ...b, student: null }))
          : await admin().listBilans({ status: opts.status, limit: opts.limit });
        if (opts.json) return printJson(rows);
        if (rows.length === 0) return print("Aucun bilan.");
        print(
          table(
            ["ID", "ÉLÈVE", "MATIÈRE", "STATUT", "SCORE", "MIS À JOUR"],
            rows.map((b) => [
              b._id,
              b.student ? `${b.student.firstName} ${b.student.lastName}` : b.studentId,
              label(subjectLabels, b.subject),
              label(bilanStatusLabels, b.status),
              score(b.overall),
              formatDate(b.updatedAt),
            ]),
          ),
        );
      },
    );

  bilans
    .command("show <idBilan>")
    .description("un bilan : statut, versions de la synthèse et du rapport, e-mails envoyés")
    .option("--json", "sortie JSON")
    .action(async (bilanId: string, opts: { json?: boolean }) => {
      const detail = await admin().bilanDetail(bilanId).catch(notFound("bilans", bilanId));
      if (opts.json) return printJson(detail);
      const b = detail.bilan;
      const lines = [
        `Bilan ${b._id}`,
        `  élève           ${b.student ? `${b.student.firstName} ${b.student.lastName}` : "—"} (${b.studentId})`,
        `  matière         ${label(subjectLabels, b.subject)} — ${label(niveauLabels, b.niveau)}`,
        `  statut          ${label(bilanStatusLabels, b.status)}`,
        `  score           ${score(b.overall)}`,
        `  créé            ${formatDate(b.createdAt)}`,
        `  soumis          ${formatDate(b.submittedAt)}`,
        `  envoyé          ${formatDate(b.sentAt)}`,
        `  synthèse        version ${detail.synthesisVersion}`,
      ];
      if (detail.failure) {
        lines.push(`  échec           ${detail.failure.stage} : ${detail.failure.message}`);
      }
      lines.push(
        "",
        `Versions de la synthèse (${detail.revisions.length})`,
        detail.revisions.length === 0
          ? "  aucune"
          : table(
              ["VERSION", "ORIGINE", "DATE"],
              detail.revisions.map((r) => [
                r.version === undefined ? "—" : String(r.version),
                r.source === "generated" ? "générée" : "modifiée par un coach",
                formatDate(r.createdAt),
              ]),
            ),
        "",
        `Versions du rapport PDF (${detail.reports.length})`,
        detail.reports.length === 0
          ? "  aucune"
          : table(
              ["VERSION", "NATURE", "TAILLE", "PRODUIT"],
              detail.reports.map((r) => [
                String(r.version),
                r.final ? "définitive" : "provisoire",
                formatBytes(r.size),
                formatDate(r.generatedAt),
              ]),
            ),
        "",
        `E-mails (${detail.emails.length})`,
        detail.emails.length === 0
          ? "  aucun"
          : table(
              ["ID", "DESTINATAIRE", "ÉTAT", "VERSION PDF", "ENVOYÉ"],
              detail.emails.map((e) => [
                e._id,
                e.recipientName ? `${e.recipientName} <${e.to}>` : e.to,
                label(EMAIL_STATUS_FR, e.status),
                e.pdfVersion === undefined ? "—" : String(e.pdfVersion),
                formatDate(e.sentAt ?? e.createdAt),
              ]),
            ),
      );
      print(lines.join("\n"));
    });
}
