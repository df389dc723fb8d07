// What a signature knows about one field: its zod schema plus the derived
// facts adapters need (description, a short type label, the JSON schema).
import { z } from "zod";

export type Fields = Record<string, z.ZodType>;

export interface FieldInfo {
  name: string;
  schema: z.ZodType;
  /** From `.describe(...)`; undefined when the schema has none. */
  description?: string;
  /** Short human label used in prompts: `string`, `integer`, `string[]`, `"a" | "b"`, `object`. */
  typeLabel: string;
  /** JSON schema of this field alone (no `$schema` key). */
  jsonSchema: Record<string, unknown>;
  /** True when the value is a plain string in prompts and answers (no JSON encoding). */
  isText: boolean;
}

export const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function fieldInfo(name: string, schema: z.ZodType, io: "input" | "output"): FieldInfo {
  const jsonSchema = toJSONSchema(schema, io);
  return {
    name,
    schema,
    description: schema.description,
    typeLabel: typeLabelOf(jsonSchema),
    jsonSchema,
    isText: isTextSchema(jsonSchema),
  };
}

/** z.toJSONSchema without the `$schema` marker; unrepresentable types become `{}`. */
export function toJSONSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

function isTextSchema(s: Record<string, unknown>): boolean {
  if (s.type === "string") return true;
  if (Array.isArray(s.enum)) return s.enum.every((v) => typeof v === "string");
  if (typeof s.const === "string") return true;
  return false;
}

/** A compact, deterministic type label derived from a JSON schema. */
export function typeLabelOf(s: Record<string, unknown>): string {
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if ("const" in s) return JSON.stringify(s.const);
  const union = (s.anyOf ?? s.oneOf) as Record<string, unknown>[] | undefined;
  if (Array.isArray(union)) return union.map(typeLabelOf).join(" | ");
  switch (s.type) {
    case "string":
    case "number":
    case "integer":
    case "boolean":
    case "null":
      return s.type;
    case "array": {
      const items = s.items as Record<string, unknown> | undefined;
      if (!items) return "unknown[]";
      const inner = typeLabelOf(items);
      return inner.includes(" ") ? `(${inner})[]` : `${inner}[]`;
    }
    case "object":
      return "object";
    default:
      return Array.isArray(s.type) ? (s.type as string[]).join(" | ") : "unknown";
  }
}
