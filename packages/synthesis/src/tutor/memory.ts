// ARIA's memory, offline and deterministic: a conversation becomes a few facts about where the
// student needed help (the course sections the answers relied on, the notions asked about).
// Facts are short French sentences shown to the élève, who may delete any.
import { terms } from "./text";

export interface MemoryInput {
  subject: "maths" | "nsi" | "physique-chimie";
  questions: string[];
  cited: { title: string; page: number; excerpt: string }[];
}

const SUBJECTS = { maths: "en maths", nsi: "en NSI", "physique-chimie": "en physique-chimie" };

export function summariseConversation(input: MemoryInput, max = 3): string[] {
  const facts: string[] = [];
  const seen = new Set<string>();
  for (const c of input.cited) {
    const key = `${c.title}|${c.page}`;
    if (seen.has(key)) continue;
    seen.add(key);
    facts.push(
      `A eu besoin d'aide ${SUBJECTS[input.subject]} sur « ${c.title} » (p. ${c.page}) : ${c.excerpt.slice(0, 90).trim()}…`,
    );
    if (facts.length >= max) return facts;
  }
  if (facts.length === 0 && input.questions.length > 0) {
    const notions = [...new Set(input.questions.flatMap((q) => terms(q)))].slice(0, 5);
    if (notions.length > 0) {
      facts.push(
        `A posé des questions ${SUBJECTS[input.subject]} sans trouver de fiche (mots clés : ${notions.join(", ")}).`,
      );
    }
  }
  return facts;
}
