// Detects obvious defects in generated French text. Used by the local writer's
// tests and available to other stages (e.g. checking coach edits or LLM output
// in review tools). Returns human-readable descriptions, empty when clean.

const rules: [RegExp, string][] = [
  [/(?<!\p{L})(undefined|NaN|null)(?!\p{L})|\[object |\{\{|\}\}/u, "placeholder or empty value"],
  [/[ \u00a0\u202f]{2,}/u, "double space"],
  [/ [,.)]/u, "space before comma, period or closing parenthesis"],
  [/\( /u, "space after opening parenthesis"],
  [
    /(?<!\p{L})(de|que|le|la|ne|se|je) [aeiouyàâéèêëîïôûœ]\p{L}*/iu,
    "missing élision (de, que, le, la… before a vowel)",
  ],
  [/(?<!\p{L})de (le|les)(?!\p{L})/iu, "missing contraction (du, des)"],
  [/(?<!\p{L})à (le|les)(?!\p{L})/iu, "missing contraction (au, aux)"],
  [/(?<!\p{L})si (il|ils)(?!\p{L})/iu, "missing élision (s’il)"],
  [/'/u, "straight apostrophe (use ’)"],
  [/\.\./u, "double period"],
  [/[.!?][\u00a0 ]?»[\u00a0 ]?[.,;:]/u, "punctuation on both sides of a closing quote"],
  [/[«] |[^\u00a0]»|«[^\u00a0]/u, "French quotes without no-break spaces"],
  [/\d ?%/u, "percentage without the no-break space format"],
];

// Common words that must carry their accents.
const unaccented = [
  "eleve",
  "eleves",
  "reussite",
  "methode",
  "methodes",
  "etape",
  "regulier",
  "reguliere",
  "maitrise",
  "maitrisee",
  "priorite",
  "acquerir",
  "progres",
  "interet",
  "ecrire",
  "evaluation",
  "evaluations",
  "theoreme",
  "frequence",
  "deja",
  "tres",
];

export function frenchDefects(text: string): string[] {
  const found: string[] = [];
  for (const [re, what] of rules) {
    const m = text.match(re);
    if (m)
      found.push(
        `${what}: «${m[0]}» in «${text.slice(Math.max(0, (m.index ?? 0) - 30), (m.index ?? 0) + 30)}»`,
      );
  }
  for (const word of unaccented) {
    const m = text.match(new RegExp(`(?<![\\p{L}])${word}(?![\\p{L}])`, "iu"));
    if (m) found.push(`missing accent: «${m[0]}»`);
  }
  if (/^[\p{Ll}]/u.test(text.trim())) found.push("starts with a lower-case letter");
  return found;
}
