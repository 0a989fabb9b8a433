// The .ics invitation of a booked session (RFC 5545 through the `ics` package), in UTC: every
// calendar shows it at the right local time, daylight saving included. The UID is stable per
// session, so a rescheduled session's new invitation replaces the old one (SEQUENCE grows).
import { createEvent } from "ics";

export interface SessionIcsInput {
  sessionId: string;
  startsAt: number;
  durationMinutes: number;
  title: string;
  description: string;
  joinUrl: string;
  organizerName: string;
  /** Changes of the session so far (0 at booking). */
  sequence: number;
}

export function sessionIcs(input: SessionIcsInput): Uint8Array<ArrayBuffer> {
  const { error, value } = createEvent({
    uid: `${input.sessionId}@nexus-reussite`,
    start: input.startsAt,
    startInputType: "utc",
    startOutputType: "utc",
    duration: { minutes: input.durationMinutes },
    title: input.title,
    description: `${input.description}\n${input.joinUrl}`,
    url: input.joinUrl,
    location: input.joinUrl,
    status: "CONFIRMED",
    sequence: input.sequence,
    method: "REQUEST",
    organizer: { name: input.organizerName },
    productId: "nexus-reussite/seances",
    calName: "Nexus Réussite",
  });
  if (error || !value) throw new Error(`Invitation .ics impossible : ${error?.message ?? "vide"}`);
  return new Uint8Array(new TextEncoder().encode(value));
}
