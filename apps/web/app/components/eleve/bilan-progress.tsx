// Where the writing of a bilan stands, live (bilans.progress): an accessible progress bar
// (Radix Progress) named by its French label. Indeterminate while no percentage is known.
import { api } from "@convex/_generated/api";
import type { Id } from "@convex/_generated/dataModel";
import * as Progress from "@radix-ui/react-progress";
import type { FunctionReturnType } from "convex/server";
import { useId } from "react";
import { useLiveQuery } from "~/utils/live-query";

export type GenerationProgress = FunctionReturnType<typeof api.bilans.progress>;

export function BilanProgress({
  bilanId,
  initial,
}: {
  bilanId: Id<"bilans">;
  initial: GenerationProgress;
}) {
  const progress = useLiveQuery(api.bilans.progress, { bilanId }, initial);
  const labelId = useId();
  if (!progress) return null;
  const percent = progress.percent === null ? null : Math.round(progress.percent);
  return (
    <div className="mt-3" data-testid="bilan-progress">
      <p id={labelId} className="text-sm font-medium text-slate-800">
        {progress.message}
        {percent !== null ? ` — ${percent} %` : " …"}
      </p>
      <Progress.Root
        value={percent}
        max={100}
        aria-labelledby={labelId}
        getValueLabel={(value) => `${value} %`}
        className="relative mt-2 h-2.5 w-full overflow-hidden rounded-full bg-slate-200"
      >
        <Progress.Indicator
          className={
            percent === null
              ? "h-full w-1/3 animate-pulse rounded-full bg-amber-500"
              : "h-full rounded-full bg-amber-500 transition-[width] duration-500"
          }
          style={percent === null ? undefined : { width: `${percent}%` }}
        />
      </Progress.Root>
    </div>
  );
}
