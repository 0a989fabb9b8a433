// The export ZIP (pure: no I/O): one JSON file per table of the person's rows, a schema.json
// documenting each table (what it holds, the fields found), their files (report PDFs,
// uploaded documents, e-mails as .eml when the local outbox kept them) and a README in French.
import { strToU8, zipSync } from "fflate";

export interface ExportTable {
  table: string;
  label: string;
  description: string;
  rows: Record<string, unknown>[];
}

export interface ExportFileEntry {
  /** Path inside the ZIP, e.g. "fichiers/bilans/rapport-maths-….pdf". */
  path: string;
  bytes: Uint8Array;
}

export interface ExportArchiveInput {
  subjectLabel: string;
  requestedAt: Date;
  generatedAt: Date;
  tables: ExportTable[];
  files: ExportFileEntry[];
}

/** A file name safe in every ZIP tool: ASCII letters, digits, dots, dashes, underscores. */
export function safeName(name: string): string {
  const ascii = name.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  return (
    ascii
      .replace(/[^\w.-]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, 120) || "fichier"
  );
}

function fieldsOf(rows: Record<string, unknown>[]): string[] {
  const fields = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) fields.add(key);
  return [...fields].sort();
}

const FR_DATE = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "long",
  timeStyle: "short",
  timeZone: "Europe/Paris",
});

export function readme(input: ExportArchiveInput): string {
  const lines = [
    "Nexus Réussite — copie de vos données personnelles",
    "===================================================",
    "",
    `Personne concernée : ${input.subjectLabel}`,
    `Demande du ${FR_DATE.format(input.requestedAt)}, archive préparée le ${FR_DATE.format(input.generatedAt)}.`,
    "",
    "Cette archive contient toutes les données que Nexus Réussite conserve à votre sujet",
    "(droit d’accès et droit à la portabilité, articles 15 et 20 du RGPD).",
    "",
    "Contenu",
    "-------",
    "- donnees/<table>.json : une liste d’enregistrements par table, au format JSON (UTF-8).",
    "- schema.json : pour chaque table, ce qu’elle contient et la liste de ses champs.",
    "- fichiers/ : les rapports PDF de vos bilans, les documents déposés et les e-mails reçus",
    "  (fichiers .eml) lorsque nous les avons conservés.",
    "",
    "Tables incluses",
    "---------------",
    ...input.tables.map(
      (t) =>
        `- ${t.table}.json — ${t.label} (${t.rows.length} enregistrement${t.rows.length > 1 ? "s" : ""})`,
    ),
    "",
    "Les dates sont des horodatages en millisecondes depuis le 1er janvier 1970 (UTC) ;",
    "les identifiants (« _id ») permettent de relier les enregistrements entre eux.",
    "",
    "Ce lien de téléchargement expire 7 jours après la préparation de l’archive, qui est",
    "alors supprimée. Pour toute question ou pour demander l’effacement de vos données :",
    "rendez-vous dans « Mes données » sur la plateforme, ou contactez le centre.",
    "",
  ];
  return lines.join("\n");
}

export function buildExportZip(input: ExportArchiveInput): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  entries["LISEZMOI.txt"] = strToU8(readme(input));
  const schema = input.tables.map((t) => ({
    table: t.table,
    label: t.label,
    description: t.description,
    file: `donnees/${t.table}.json`,
    rows: t.rows.length,
    fields: fieldsOf(t.rows),
  }));
  entries["schema.json"] = strToU8(JSON.stringify(schema, null, 2));
  for (const table of input.tables) {
    entries[`donnees/${table.table}.json`] = strToU8(JSON.stringify(table.rows, null, 2));
  }
  const used = new Set<string>();
  for (const file of input.files) {
    let path = file.path;
    for (let i = 2; used.has(path); i++) path = file.path.replace(/(\.[^./]+)?$/, `-${i}$1`);
    used.add(path);
    entries[path] = file.bytes;
  }
  return zipSync(entries, { level: 6, mtime: input.generatedAt });
}
