// When a refused action may be retried, said in French for the person who was refused:
// « dans 42 secondes », « dans 5 minutes », « aujourd'hui à partir de 16 h 05 »,
// « demain à partir de 8 h 15 », « le 3 décembre à partir de 9 h ». Clock times are
// in Europe/Paris, with the French « 8 h 15 » form and non-breaking spaces around the
// « h »; they are rounded up to the minute, so the time said is never before the retry
// time. Pure (Intl only): Convex functions and the worker share it.

const NBSP = "\u00A0";
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const parisParts = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
  hourCycle: "h23",
});

const parisDayMonth = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  day: "numeric",
  month: "long",
});

interface ParisClock {
  /** Days since the epoch of the calendar date in Paris (for day differences). */
  dayNumber: number;
  hour: number;
  minute: number;
}

function parisClock(epochMs: number): ParisClock {
  const parts: Record<string, number> = {};
  for (const part of parisParts.formatToParts(new Date(epochMs))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0 } = parts;
  return { dayNumber: Date.UTC(year, month - 1, day) / (24 * HOUR), hour, minute };
}

/** « 8 h 15 », « 14 h 05 », « 9 h » (non-breaking spaces, so the time never splits). */
export function formatClockFr(hour: number, minute: number): string {
  return minute === 0
    ? `${hour}${NBSP}h`
    : `${hour}${NBSP}h${NBSP}${String(minute).padStart(2, "0")}`;
}

function plural(count: number, unit: string): string {
  return `${count}${NBSP}${unit}${count > 1 ? "s" : ""}`;
}

/**
 * When to retry, as the end of a French sentence (« réessayez {result}. »): a delay under
 * an hour, else a clock time in Europe/Paris with today, tomorrow or the date.
 */
export function formatRetryWhenFr(nowMs: number, retryAtMs: number): string {
  const waitMs = Math.max(0, retryAtMs - nowMs);
  if (waitMs <= MINUTE) return `dans ${plural(Math.max(1, Math.ceil(waitMs / SECOND)), "seconde")}`;
  if (waitMs <= HOUR) return `dans ${plural(Math.ceil(waitMs / MINUTE), "minute")}`;
  const at = Math.ceil(retryAtMs / MINUTE) * MINUTE;
  const target = parisClock(at);
  const time = formatClockFr(target.hour, target.minute);
  const days = target.dayNumber - parisClock(nowMs).dayNumber;
  if (days <= 0) return `aujourd'hui à partir de ${time}`;
  if (days === 1) return `demain à partir de ${time}`;
  const date = parisDayMonth
    .formatToParts(new Date(at))
    .map((part) => (part.type === "day" && part.value === "1" ? "1er" : part.value))
    .join("");
  return `le ${date} à partir de ${time}`;
}

/**
 * When something happened, as the end of a French sentence (« … a modifié cette synthèse
 * {result} »): « à 14 h 32 » the same Paris day, « hier à 9 h 05 », else « le 3 décembre à
 * 18 h ». Clock times in Europe/Paris, truncated to the minute (a past instant is never
 * said later than it was).
 */
export function formatWhenFr(nowMs: number, atMs: number): string {
  const at = Math.floor(atMs / MINUTE) * MINUTE;
  const target = parisClock(at);
  const time = formatClockFr(target.hour, target.minute);
  const days = parisClock(nowMs).dayNumber - target.dayNumber;
  if (days <= 0) return `à ${time}`;
  if (days === 1) return `hier à ${time}`;
  const date = parisDayMonth
    .formatToParts(new Date(at))
    .map((part) => (part.type === "day" && part.value === "1" ? "1er" : part.value))
    .join("");
  return `le ${date} à ${time}`;
}

/**
 * The same instant as a value on its own (« Envoyé : aujourd'hui à 14 h 32 »), where
 * formatWhenFr's « à 14 h 32 » would need its sentence around it.
 */
export function formatWhenFrAlone(nowMs: number, atMs: number): string {
  const when = formatWhenFr(nowMs, atMs);
  return when.startsWith("à ") ? `aujourd'hui ${when}` : when;
}
