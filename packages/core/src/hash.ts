import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted at every level, so that two equal values always
 * serialise to the same text (used for content hashes and cache keys).
 * `undefined` object members are dropped, as JSON.stringify does.
 */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object" && (value as object).constructor === Object) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** sha256 hex of a string. */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** sha256 hex of the stable serialisation of a value. */
export function hashValue(value: unknown): string {
  return sha256(stableStringify(value));
}
