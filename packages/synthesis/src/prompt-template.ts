// A deliberately tiny template language for the prompt files:
//   {{name}}                      the value (must be provided, else an error)
//   {{#if name}} … {{/if}}        the block when the value is a non-empty string
// No nesting, no loops: lists are rendered to text by the caller.

export class PromptTemplateError extends Error {
  override readonly name = "PromptTemplateError";
}

export function renderTemplate(
  template: string,
  values: Record<string, string | undefined>,
): string {
  const withBlocks = template.replace(
    /\{\{#if\s+([\w-]+)\s*\}\}\n?([\s\S]*?)\{\{\/if\}\}\n?/g,
    (_, name: string, body: string) => {
      if (!(name in values))
        throw new PromptTemplateError(`template condition {{#if ${name}}} has no value`);
      const v = values[name];
      return v !== undefined && v.trim().length > 0 ? body : "";
    },
  );
  const out = withBlocks.replace(/\{\{\s*([\w-]+)\s*\}\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined)
      throw new PromptTemplateError(`template variable {{${name}}} has no value`);
    return v;
  });
  if (/\{\{|\}\}/.test(out.replaceAll(/`[^`]*`/g, ""))) {
    throw new PromptTemplateError("template has an unbalanced or unknown {{…}} mark");
  }
  return out;
}
