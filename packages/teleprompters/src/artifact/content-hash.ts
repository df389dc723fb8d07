import { hashValue } from "@otpforge/core";
import type { CompiledProgram } from "./schema.js";

/**
 * The content hash covers every member except itself and createdAt, so two
 * runs with the same seed and inputs give the same hash whenever they ran.
 */
export function computeContentHash(artifact: Omit<CompiledProgram, "contentHash"> | CompiledProgram): string {
  const { contentHash: _ignored, createdAt: _time, ...content } = artifact as CompiledProgram;
  return hashValue(content);
}

/** The artifact without its volatile member, for "is this the same result?" comparisons. */
export function artifactContent(artifact: CompiledProgram): Omit<CompiledProgram, "createdAt"> {
  const { createdAt: _time, ...rest } = artifact;
  return rest;
}
