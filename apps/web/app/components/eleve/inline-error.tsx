// A French error message shown next to what caused it (from toUserError).
import { cn } from "~/utils/cn";
import type { UserFacingError } from "~/utils/errors";

export function InlineError({
  error,
  id,
  className,
}: {
  error: UserFacingError | null | undefined;
  id?: string;
  className?: string;
}) {
  if (!error) return null;
  return (
    <p
      id={id}
      role="alert"
      className={cn(
        "rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm font-medium text-red-900",
        className,
      )}
    >
      {error.message}
    </p>
  );
}
