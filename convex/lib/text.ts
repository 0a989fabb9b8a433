// Person-supplied short texts entering Convex: cleaned and capped by the shared rule
// (@nexus/shared/text); a refusal becomes INVALID_ARGUMENT with its French message.
import { cleanText, TextFieldError, type TextRule } from "@nexus/shared/text";
import { appError } from "./errors";

export function cleanArg(value: string, rule: TextRule): string {
  try {
    return cleanText(value, rule);
  } catch (error) {
    if (error instanceof TextFieldError) throw appError("INVALID_ARGUMENT", error.message);
    throw error;
  }
}
