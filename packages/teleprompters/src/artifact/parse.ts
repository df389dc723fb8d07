import { CompiledProgramSchema, FORMAT_VERSION, ARTIFACT_KIND, type CompiledProgram } from "./schema.js";
import { computeContentHash } from "./content-hash.js";
import { ArtifactFormatError, ArtifactIntegrityError } from "./errors.js";

/**
 * Validates a parsed JSON value as an artifact and checks its content hash.
 * `source` (a file path) is only used in error messages.
 */
export function parseArtifact(value: unknown, source?: string): CompiledProgram {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new ArtifactFormatError("not a compiled-program artifact (expected a JSON object)", source);
  }
  const raw = value as Record<string, unknown>;
  if (raw.kind !== ARTIFACT_KIND) {
    throw new ArtifactFormatError(
      `not a compiled-program artifact (kind is ${JSON.stringify(raw.kind)}, expected "${ARTIFACT_KIND}")`,
      source,
    );
  }
  if (typeof raw.formatVersion === "number" && raw.formatVersion > FORMAT_VERSION) {
    throw new ArtifactFormatError(
      `artifact format ${raw.formatVersion} is newer than this otpforge reads (${FORMAT_VERSION}); upgrade otpforge`,
      source,
    );
  }
  const parsed = CompiledProgramSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length ? issue.path.join(".") : "(root)";
    throw new ArtifactFormatError(`invalid artifact at ${where}: ${issue.message}`, source);
  }
  const actual = computeContentHash(parsed.data);
  if (actual !== parsed.data.contentHash) throw new ArtifactIntegrityError(parsed.data.contentHash, actual, source);
  return parsed.data;
}
