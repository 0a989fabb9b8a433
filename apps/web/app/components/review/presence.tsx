// Who else is on this review page: a heartbeat every 10 s while it is open, `leave` when it
// closes, and presence.list on a clock rounded to 10 s (so the query stays cached).
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import { useMutation, useQuery } from "convex/react";
import { useEffect, useState } from "react";
import { othersPresentLabel } from "./format";

export const HEARTBEAT_EVERY_MS = 10_000;

function roundedNow(): number {
  return Math.floor(Date.now() / HEARTBEAT_EVERY_MS) * HEARTBEAT_EVERY_MS;
}

export function usePresence(bilanId: Id<"bilans">) {
  const heartbeat = useMutation(api.presence.heartbeat);
  const leave = useMutation(api.presence.leave);
  const [now, setNow] = useState<number | null>(null);

  useEffect(() => {
    const beat = () => {
      setNow(roundedNow());
      heartbeat({ bilanId }).catch(() => {
        // Presence is a courtesy: a missed heartbeat only hides this coach for a while.
      });
    };
    beat();
    const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
    const onHide = () => void leave({ bilanId }).catch(() => {});
    window.addEventListener("pagehide", onHide);
    return () => {
      clearInterval(timer);
      window.removeEventListener("pagehide", onHide);
      leave({ bilanId }).catch(() => {});
    };
  }, [bilanId, heartbeat, leave]);

  return useQuery(api.presence.list, now === null ? "skip" : { bilanId, now }) ?? [];
}

export function PresenceNotice({ bilanId }: { bilanId: Id<"bilans"> }) {
  const people = usePresence(bilanId);
  const label = othersPresentLabel(people);
  return (
    <div aria-live="polite">
      {label ? (
        <p className="mt-3 inline-flex items-center gap-2 rounded-full bg-violet-50 px-3 py-1 text-sm text-violet-900 ring-1 ring-violet-300 ring-inset">
          <span aria-hidden="true" className="size-2 rounded-full bg-violet-600" />
          {label}
        </p>
      ) : null}
    </div>
  );
}
