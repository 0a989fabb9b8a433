// The JSON schema sent to LLMs, derived from zSynthesis so it can never drift
// from the validator. Made compatible with OpenAI strict structured outputs
// (every property required, no additional properties, only supported keywords);
// Anthropic takes the same schema as a tool input_schema.
import { zSynthesis } from "@nexus/shared/synthesis";
import { z } from "zod";

type JsonSchema = Record<string, unknown>;

// Keywords OpenAI strict mode accepts; anything else (minLength, $schema, …) is dropped.
const allowedKeywords = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "enum",
  "const",
  "anyOf",
  "description",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minItems",
  "maxItems",
  "pattern",
]);

function strictify(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictify);
  if (node === null || typeof node !== "object") return node;
  const src = node as JsonSchema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(src)) {
    if (!allowedKeywords.has(key)) continue;
    // zod writes the safe-integer bounds on every int; they carry no meaning here.
    if (
      (key === "maximum" || key === "minimum") &&
      Math.abs(value as number) >= Number.MAX_SAFE_INTEGER
    )
      continue;
    if (key === "properties") {
      out.properties = Object.fromEntries(
        Object.entries(value as JsonSchema).map(([k, v]) => [k, strictify(v)]),
      );
    } else {
      out[key] = strictify(value);
    }
  }
  if (out.type === "object") {
    out.additionalProperties = false;
    out.required = Object.keys((out.properties as JsonSchema | undefined) ?? {});
  }
  return out;
}

let cached: JsonSchema | undefined;

export function synthesisJsonSchema(): JsonSchema {
  cached ??= strictify(z.toJSONSchema(zSynthesis, { io: "output" })) as JsonSchema;
  return cached;
}
