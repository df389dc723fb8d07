import { computeContentHash } from "./content-hash.js";
import { CompiledProgramSchema, type CompiledProgram } from "./schema.js";

export type ArtifactContent = Omit<CompiledProgram, "contentHash" | "createdAt">;

/**
 * Seals artifact content: validates it against the schema, stamps createdAt
 * (injectable, for reproducible files) and computes the content hash.
 */
export function finalizeArtifact(content: ArtifactContent, options: { now?: () => Date } = {}): CompiledProgram {
  const createdAt = (options.now ?? (() => new Date()))().toISOString();
  // A JSON round trip first, so what is hashed is exactly what a reader will parse.
  const plain = JSON.parse(JSON.stringify(content)) as ArtifactContent;
  const withoutHash = { ...plain, createdAt, contentHash: "0".repeat(64) };
  const checked = CompiledProgramSchema.parse(withoutHash);
  return { ...checked, contentHash: computeContentHash(checked) };
}
