// Loading a bilan for a handler, with the refusals every bilan handler shares.

import { api } from "../../../../convex/_generated/api";
import type { Id } from "../../../../convex/_generated/dataModel";
import { convexErrorCode, errorMessage, NonRetryableError } from "../errors.ts";
import type { WorkerConvex } from "../handler.ts";

export async function loadBilanContext(convex: WorkerConvex, bilanId: string) {
  try {
    return await convex.query(api.pipeline.bilanContext, { bilanId: bilanId as Id<"bilans"> });
  } catch (error) {
    if (
      convexErrorCode(error) === "NOT_FOUND" ||
      /ArgumentValidationError|Validator/.test(String(error))
    ) {
      throw new NonRetryableError(`Bilan ${bilanId} introuvable : ${errorMessage(error)}`, {
        cause: error,
      });
    }
    throw error;
  }
}

export type BilanContext = Awaited<ReturnType<typeof loadBilanContext>>;

/** Converts a Convex state refusal (the bilan moved on) into a failure retrying cannot fix. */
export async function orNonRetryable<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    const code = convexErrorCode(error);
    if (code === "INVALID_STATE" || code === "NOT_FOUND" || code === "INVALID_ARGUMENT") {
      throw new NonRetryableError(errorMessage(error), { cause: error });
    }
    throw error;
  }
}
