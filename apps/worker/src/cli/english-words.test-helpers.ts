// The CLI's human output must be French: these English words (commander's defaults, the
// queue's internal names, common words) must not appear in it. What an operator types is
// removed first: command names on the usage line, flags (--json), placeholders (<id>), ids,
// JSON payloads, and lists of values to type (« connus : pending, running… »).

export const ENGLISH_WORDS = [
  "error",
  "usage",
  "commands",
  "display",
  "default",
  "choices",
  "unknown",
  "missing",
  "required",
  "expected",
  "invalid",
  "the",
  "and",
  "with",
  "for",
  "not",
  "found",
  "output",
  "number",
  "did you mean",
  "too many",
  "argument missing",
  "specified",
  "enqueued",
  "claimed",
  "released",
  "retried",
  "lease_expired",
  "retry_scheduled",
  "cancel_requested",
  "pending",
  "running",
  "completed",
  "cancelled",
  "progress",
  "sleep",
  "waiting",
  "unable",
  "connect",
  "econnrefused",
  "fetch failed",
];

/** What an operator types or a machine wrote, removed before looking for English. */
export function humanText(output: string, commandWords: readonly string[] = []): string {
  let text = output
    .replace(/\{[^\n]*\}/g, " ") // JSON (payloads, results)
    .replace(/--[a-z][a-z-]*/g, " ") // flags
    .replace(/<[^>\n]*>/g, " ") // placeholders and e-mail addresses
    .replace(/\[[^\]\n]*\]/g, " ") // [options] [commande]
    .replace(/\(connus : [^)]*\)/g, " ") // values to type
    .replace(/\(par défaut : [^)]*\)/g, " ")
    .replace(/\bnexus-worker( [a-z]+)*/g, " ") // usage lines
    .replace(/`[^`]*`/g, " ") // commands to run
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/\b[a-z]+\.[a-z.]+\b/g, " ") // job kinds, event names like job.finished
    .replace(/\b[a-z0-9]{20,}\b/g, " "); // ids
  for (const word of commandWords) {
    text = text.replace(new RegExp(`^\\s+${word}\\b`, "gm"), " ");
  }
  return text;
}

/** The English words found in `output` (empty when it reads as French). */
export function englishWordsIn(output: string, commandWords: readonly string[] = []): string[] {
  const text = humanText(output, commandWords).toLowerCase();
  return ENGLISH_WORDS.filter((word) =>
    new RegExp(`(^|[^a-zà-ÿ_])${word.replace(/ /g, "\\s+")}($|[^a-zà-ÿ_])`, "i").test(text),
  );
}
