// Shared formatting pieces of the adapters: field values in prompts, values
// back from answers, and the DSPy split of demos into complete and partial.
import type { Data } from "../example.js";
import type { FieldInfo } from "../signature/fields.js";
import type { Signature } from "../signature/signature.js";

export const MISSING_FIELD = "Not supplied for this particular example.";
export const PARTIAL_DEMO_PREFIX = "This is an example of the task, though some input or output fields are not supplied.";

/** Strings go in verbatim; everything else as indented JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === undefined) return "";
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** A section value from the model: text fields verbatim, others decoded as JSON when possible. */
export function parseValue(text: string, field: FieldInfo): unknown {
  if (field.isText) return text;
  const body = stripFence(text);
  try {
    return JSON.parse(body);
  } catch {
    // Models often write Python-style booleans; anything else goes to zod as
    // text so that it reports the type mismatch.
    if (isBooleanField(field) && /^(true|false)$/i.test(body)) return body.toLowerCase() === "true";
    return body;
  }
}

function isBooleanField(field: FieldInfo): boolean {
  return field.jsonSchema.type === "boolean";
}

/** Removes one surrounding ``` fence (```json ... ```), if present. */
export function stripFence(text: string): string {
  const m = /^```[\w-]*\s*\n([\s\S]*?)\n?```\s*$/.exec(text.trim());
  return m ? m[1]!.trim() : text.trim();
}

export function present(demo: Data, key: string): boolean {
  return Object.hasOwn(demo, key) && demo[key] !== undefined && demo[key] !== null;
}

/**
 * DSPy's demo rule: a demo with every field is complete; one with at least one
 * input and one output but not all fields is partial (shown with a note and
 * "not supplied" placeholders); anything else says nothing and is dropped.
 * Partial demos come first, then complete ones, each group in given order.
 */
export function splitDemos(sig: Signature, demos: readonly Data[]): { partial: Data[]; complete: Data[] } {
  const partial: Data[] = [];
  const complete: Data[] = [];
  const all = [...sig.inputNames, ...sig.outputNames];
  for (const demo of demos) {
    if (all.every((k) => present(demo, k))) complete.push(demo);
    else if (sig.inputNames.some((k) => present(demo, k)) && sig.outputNames.some((k) => present(demo, k))) partial.push(demo);
  }
  return { partial, complete };
}

/** "1. `question` (string): the question" lines. */
export function enumerateFields(fields: readonly FieldInfo[]): string {
  return fields.map((f, i) => `${i + 1}. \`${f.name}\` (${f.typeLabel})${f.description ? `: ${f.description}` : ""}`).join("\n");
}

/** What a non-text output must look like, in words. */
export function outputTypeNote(f: FieldInfo): string | undefined {
  if (f.isText) return undefined;
  switch (f.jsonSchema.type) {
    case "integer":
      return "must be a single integer value";
    case "number":
      return "must be a single number value";
    case "boolean":
      return "must be true or false";
    default:
      return `must be valid JSON that adheres to this JSON schema: ${JSON.stringify(f.jsonSchema)}`;
  }
}

export function header(name: string): string {
  return `[[ ## ${name} ## ]]`;
}

/** Input sections of one user message; fields without a value are left out. */
export function formatInputSections(sig: Signature, values: Data): string {
  return sig.inputFields
    .filter((f) => present(values, f.name))
    .map((f) => `${header(f.name)}\n${formatValue(values[f.name])}`)
    .join("\n\n");
}
