import { type BilanStatus, bilanStatusLabels } from "@nexus/shared/vocabulary";
import type { HTMLAttributes } from "react";
import { cn } from "~/utils/cn";

const tones = {
  neutral: "bg-slate-100 text-slate-800 ring-slate-300",
  info: "bg-sky-50 text-sky-900 ring-sky-300",
  progress: "bg-amber-50 text-amber-900 ring-amber-300",
  attention: "bg-violet-50 text-violet-900 ring-violet-300",
  success: "bg-emerald-50 text-emerald-900 ring-emerald-300",
  danger: "bg-red-50 text-red-900 ring-red-300",
} as const;

export type BadgeTone = keyof typeof tones;

export function Badge({
  tone = "neutral",
  className,
  ...props
}: HTMLAttributes<HTMLSpanElement> & { tone?: BadgeTone }) {
  return (
    <span
      className={cn(
        "inline-flex items-center gap-1 rounded-full px-2.5 py-0.5 text-sm font-medium ring-1 ring-inset",
        tones[tone],
        className,
      )}
      {...props}
    />
  );
}

export const statusTones: Record<BilanStatus, BadgeTone> = {
  draft: "neutral",
  submitted: "info",
  generating: "progress",
  review: "attention",
  approved: "success",
  sent: "success",
  failed: "danger",
};

/** A bilan's status in French (« À relire », « Envoyé »…); colour is never the only signal. */
export function StatusBadge({ status, className }: { status: BilanStatus; className?: string }) {
  return (
    <Badge tone={statusTones[status]} className={className} data-status={status}>
      {status === "generating" ? (
        <span aria-hidden="true" className="size-2 animate-pulse rounded-full bg-amber-600" />
      ) : null}
      {bilanStatusLabels[status]}
    </Badge>
  );
}
