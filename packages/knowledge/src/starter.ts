// The starter knowledge base: original French course summaries and methodology
// sheets written in Markdown (packages/knowledge/starter/*.md), turned in memory
// into real PDFs — one PDF page per `<!-- page -->` section — plus one scanned
// sheet rendered as a PNG image so that the seed exercises OCR. Deterministic.
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { zNiveau, zSubject } from "@nexus/shared/domain";
import { z } from "zod";
import { renderTextPageImage } from "./page-image.ts";
import { renderPdf } from "./pdf-render.ts";
import type { AcceptedMime } from "./sniff.ts";

export const STARTER_FOLDER = fileURLToPath(new URL("../starter", import.meta.url));
export const PAGE_BREAK = /^<!--\s*page\s*-->\s*$/m;

const nullable = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "null" || value === "" ? null : value), schema.nullable());

export const zStarterFrontMatter = z.object({
  title: z.string().min(1),
  subject: nullable(zSubject),
  niveau: nullable(zNiveau),
  /** Questionnaire domain id (or "methodologie"), for retrieval by weak domain. */
  domain: z.string().min(1),
  /** "scan": rendered as a scanned page image instead of a PDF. */
  format: z.enum(["pdf", "scan"]).default("pdf"),
});
export type StarterFrontMatter = z.infer<typeof zStarterFrontMatter>;

export interface StarterSource extends StarterFrontMatter {
  /** Markdown file name. */
  source: string;
  /** Markdown of each page. */
  pages: string[];
}

export interface StarterDocument {
  title: string;
  subject: StarterFrontMatter["subject"];
  niveau: StarterFrontMatter["niveau"];
  domain: string;
  filename: string;
  mime: AcceptedMime;
  bytes: Uint8Array;
  /** Number of pages of the generated file. */
  pageCount: number;
}

/** Parses "---\nkey: value\n---\nbody" (flat keys only, enough for our sources). */
export function parseStarterMarkdown(markdown: string, source = "document.md"): StarterSource {
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(markdown.replace(/\r\n?/g, "\n"));
  if (!match) throw new Error(`${source}: front matter missing`);
  const fields = Object.fromEntries(
    match[1]!
      .split("\n")
      .filter((line) => line.trim())
      .map((line) => {
        const colon = line.indexOf(":");
        if (colon < 0) throw new Error(`${source}: invalid front matter line "${line}"`);
        return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
      }),
  );
  const parsed = zStarterFrontMatter.safeParse(fields);
  if (!parsed.success) throw new Error(`${source}: ${parsed.error.message}`);
  const pages = match[2]!
    .split(PAGE_BREAK)
    .map((page) => page.trim())
    .filter(Boolean);
  if (pages.length === 0) throw new Error(`${source}: no content`);
  return { ...parsed.data, source, pages };
}

export function starterSources(folder = STARTER_FOLDER): StarterSource[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith(".md") && name !== "README.md")
    .sort()
    .map((name) => parseStarterMarkdown(readFileSync(join(folder, name), "utf8"), name));
}

/** Plain text of a scan source (what the image shows, and the OCR reference). */
export function scanText(source: StarterSource): string {
  return source.pages.join("\n\n");
}

export async function renderStarterDocument(source: StarterSource): Promise<StarterDocument> {
  const stem = basename(source.source, ".md");
  const meta = {
    title: source.title,
    subject: source.subject,
    niveau: source.niveau,
    domain: source.domain,
  };
  if (source.format === "scan") {
    if (source.pages.length !== 1) throw new Error(`${source.source}: a scan has exactly one page`);
    const bytes = renderTextPageImage(scanText(source), {
      dpi: 300,
      fontSizePt: 12,
      rotationDeg: 0.6,
      noise: 0.0015,
      seed: 7,
    });
    return { ...meta, filename: `${stem}.png`, mime: "image/png", bytes, pageCount: 1 };
  }
  const bytes = await renderPdf(
    source.pages.map((markdown) => ({ kind: "markdown", markdown })),
    { title: source.title, header: "Nexus Réussite — fiches de cours et de méthode", footer: true },
  );
  return {
    ...meta,
    filename: `${stem}.pdf`,
    mime: "application/pdf",
    bytes,
    pageCount: source.pages.length,
  };
}

/** Every starter document, generated in memory (same bytes on every call). */
export async function starterDocuments(folder = STARTER_FOLDER): Promise<StarterDocument[]> {
  const documents: StarterDocument[] = [];
  for (const source of starterSources(folder)) documents.push(await renderStarterDocument(source));
  return documents;
}
