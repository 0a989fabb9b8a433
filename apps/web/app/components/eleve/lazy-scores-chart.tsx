// The per-domain score chart as every results page mounts it: loaded lazily and only in the
// browser (it measures its width), with its height reserved so nothing jumps when it lands.
// Hidden from screen readers: each page shows the same figures in a table.
import type { BilanScores } from "@nexus/shared/results";
import { lazy, Suspense, useEffect, useState } from "react";

const ScoresChart = lazy(() => import("./scores-chart"));

export function LazyScoresChart({
  domains,
  className,
}: {
  domains: BilanScores["domains"];
  className?: string;
}) {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const chartHeight = Math.max(160, domains.length * 52 + 40);
  return (
    <div className={className} style={{ minHeight: chartHeight }}>
      {hydrated ? (
        <Suspense fallback={<div style={{ height: chartHeight }} />}>
          <ScoresChart domains={domains} />
        </Suspense>
      ) : null}
    </div>
  );
}
