// The per-domain score chart as every results page mounts it: loaded lazily and only in the
// browser (it measures its width), with its height reserved so nothing jumps when it lands.
// Hidden from screen readers: each page shows the same figures in a table.
import type { BilanScores } from "@nexus/shared/results";
import { lazy, Suspense, useEffect, useState } from "react";

const ScoresChart = lazy(() => import("./scores-chart"));

export function LazyScoresChart({
  domains,
  previous,
  className,
}: {
  domains: BilanScores["domains"];
  /** The previous bilan's percentage per domain (components/results/domain-progress.tsx). */
  previous?: Record<string, number>;
  className?: string;
}) {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const chartHeight = Math.max(160, domains.length * 52 + 40);
  return (
    <div className={className} style={{ minHeight: chartHeight }}>
      {hydrated ? (
        <Suspense fallback={<div style={{ height: chartHeight }} />}>
          <ScoresChart domains={domains} previous={previous} />
        </Suspense>
      ) : null}
      {previous && Object.keys(previous).length > 0 ? (
        // The legend of the ticks; the progress table says the same for screen readers.
        <p aria-hidden="true" className="mt-1 flex items-center gap-2 text-xs text-slate-700">
          <span className="inline-block h-3.5 w-[3px] rounded-sm bg-slate-900" />
          trait foncé : score au bilan précédent
        </p>
      ) : null}
    </div>
  );
}
