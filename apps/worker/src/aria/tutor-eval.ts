// ARIA's labelled set over the starter knowledge base (aria-set.json), answered by the
// offline tutor on the passages an in-memory copy of the hybrid search returns (local
// embeddings + BM25 fused by RRF, within the question's subject, like aria.retrieve): the
// share of answers whose first citation is the expected page, and whether any Socratic first
// reply gives an exercise's final answer. Shared by the test and the bench.
import { readFileSync } from "node:fs";
import { prepareDocument } from "@nexus/knowledge/ingest";
import { LexicalIndex } from "@nexus/knowledge/lexical-index";
import { LocalEmbedder, localEmbedding } from "@nexus/knowledge/local-embedder";
import { createOcrPool } from "@nexus/knowledge/ocr-pool";
import { cosineSimilarity, reciprocalRankFusion } from "@nexus/knowledge/rank";
import { starterDocuments } from "@nexus/knowledge/starter";
import type { TutorPassage } from "@nexus/synthesis/tutor/contracts";
import { composeLocalAnswer } from "@nexus/synthesis/tutor/local-tutor";
import { guardReply } from "@nexus/synthesis/tutor/socratic-guard";
import { z } from "zod";

export const zAriaSet = z.object({
  description: z.string(),
  questions: z.array(
    z.object({
      question: z.string(),
      filename: z.string(),
      page: z.number().int().min(1),
      finalAnswer: z.array(z.string()).optional(),
    }),
  ),
});
export type AriaSet = z.infer<typeof zAriaSet>;

export function loadAriaSet(): AriaSet {
  return zAriaSet.parse(
    JSON.parse(readFileSync(new URL("./aria-set.json", import.meta.url), "utf8")),
  );
}

export interface EvalPassage extends TutorPassage {
  filename: string;
  subject: string | null;
  embedding: number[];
}

/** The starter documents (PDFs; the scanned PNG needs OCR and no question targets it), chunked and embedded. */
export async function starterPassages(): Promise<EvalPassage[]> {
  const pool = createOcrPool({ size: 1 });
  const embedder = new LocalEmbedder();
  const passages: EvalPassage[] = [];
  try {
    for (const document of await starterDocuments()) {
      if (document.mime !== "application/pdf") continue;
      const prepared = await prepareDocument(document.bytes, {
        title: document.title,
        embedder,
        ocrPool: pool,
      });
      for (const chunk of prepared.chunks) {
        passages.push({
          chunkId: `${document.filename}#${chunk.ordinal}`,
          documentId: document.filename,
          documentTitle: document.title,
          pageStart: chunk.pageStart,
          pageEnd: chunk.pageEnd,
          text: chunk.text,
          filename: document.filename,
          subject: document.subject,
          embedding: chunk.embedding,
        });
      }
    }
  } finally {
    await pool.terminate();
  }
  return passages;
}

/** Top `k` passages for a question within the subject: vector and BM25 rankings fused. */
export function retrieve(passages: EvalPassage[], question: string, subject: string, k = 6) {
  const scoped = passages.filter((p) => p.subject === subject);
  const byId = new Map(scoped.map((p) => [p.chunkId, p]));
  const query = localEmbedding(question);
  const vector = scoped
    .map((p) => ({ id: p.chunkId, score: cosineSimilarity(query, p.embedding) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, 20)
    .map((h) => h.id);
  const lexical = new LexicalIndex();
  for (const p of scoped) lexical.add(p.chunkId, p.text);
  const text = lexical.search(question, 20).map((h) => h.id);
  return reciprocalRankFusion([{ ids: vector }, { ids: text }])
    .slice(0, k)
    .map((r) => byId.get(r.id)!);
}

function normalise(text: string): string {
  return text.replace(/\s+/g, " ").replace(/−/g, "-").toLowerCase();
}

export interface EvalOutcome {
  question: string;
  expected: string;
  cited: string | null;
  right: boolean;
  socraticLeaks: string[];
  /** The Socratic guard (applied to every provider's first Socratic reply) changed it. */
  guarded: boolean;
}

export function evaluateTutor(set: AriaSet, passages: EvalPassage[]) {
  const outcomes: EvalOutcome[] = [];
  for (const item of set.questions) {
    const subject = item.filename.startsWith("maths")
      ? "maths"
      : item.filename.startsWith("nsi")
        ? "nsi"
        : "physique-chimie";
    const retrieved = retrieve(passages, item.question, subject);
    const mode = item.finalAnswer ? "socratique" : "direct";
    const answer = composeLocalAnswer({
      question: item.question,
      mode,
      subject,
      history: [],
      passages: retrieved,
      weakDomains: [],
      memories: [],
    });
    const first = answer.cited[0] === undefined ? null : retrieved[answer.cited[0]]!;
    const right =
      first !== null &&
      first.filename === item.filename &&
      first.pageStart <= item.page &&
      item.page <= first.pageEnd;
    const reply = normalise(answer.text);
    outcomes.push({
      question: item.question,
      expected: `${item.filename} p. ${item.page}`,
      cited: first ? `${first.filename} p. ${first.pageStart}-${first.pageEnd}` : null,
      right,
      socraticLeaks: (item.finalAnswer ?? []).filter((a) => reply.includes(normalise(a))),
      guarded:
        mode === "socratique" &&
        guardReply(answer.text, { question: item.question }) !== answer.text,
    });
  }
  const rightShare = outcomes.filter((o) => o.right).length / outcomes.length;
  return { questions: outcomes.length, rightShare, outcomes };
}
