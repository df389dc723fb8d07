// Errors a user can meet when reading, loading or publishing artifacts. Each
// says what is wrong and what to do about it. All but VersionExistsError are
// about the artifact the user pointed at (category "input"); a version clash
// is the publish failing (category "run").
import { OtpforgeError } from "@otpforge/core";

/** The file is not a compiled-program artifact this version can read. */
export class ArtifactFormatError extends OtpforgeError {
  constructor(
    message: string,
    readonly source?: string,
  ) {
    super("ARTIFACT_FORMAT", source ? `${source}: ${message}` : message, { category: "input" });
  }
}

/** The content hash does not match the content: the file was edited or damaged. */
export class ArtifactIntegrityError extends OtpforgeError {
  constructor(
    readonly expected: string,
    readonly actual: string,
    readonly source?: string,
  ) {
    super(
      "ARTIFACT_INTEGRITY",
      `${source ? source + ": " : ""}artifact content hash mismatch: the file says ${expected.slice(0, 12)}… ` +
        `but its content hashes to ${actual.slice(0, 12)}…. The artifact was edited or damaged after it was written; ` +
        `recompile it (or restore the original file) instead of editing it by hand.`,
      { category: "input" },
    );
  }
}

/**
 * The artifact was compiled for a different program: a predictor is missing or
 * extra, or a signature changed. Loading stops: nothing is applied.
 */
export class ArtifactMismatchError extends OtpforgeError {
  constructor(
    readonly predictor: string,
    /** The field whose definition differs, when the mismatch is in one field. */
    readonly field: string | undefined,
    readonly detail: string,
  ) {
    super(
      "ARTIFACT_MISMATCH",
      `artifact does not match the program at predictor "${predictor}"` +
        (field ? `, field "${field}"` : "") +
        `: ${detail}. Nothing was loaded; recompile the program to get a matching artifact.`,
      { category: "input" },
    );
  }
}

/** A version is already published with different content; versions never change. */
export class VersionExistsError extends OtpforgeError {
  constructor(
    readonly artifactName: string,
    readonly version: string,
    readonly existingHash: string,
    readonly newHash: string,
  ) {
    super(
      "VERSION_EXISTS",
      `${artifactName}@${version} is already published with different content ` +
        `(published ${existingHash.slice(0, 12)}…, new ${newHash.slice(0, 12)}…). Published versions are immutable: ` +
        `publish under a new version (e.g. --version with a higher number, or omit --version to bump the patch).`,
      { category: "run" },
    );
  }
}

/** A name@version reference that the registry does not hold. */
export class ArtifactNotFoundError extends OtpforgeError {
  constructor(message: string) {
    super("ARTIFACT_NOT_FOUND", message, { category: "input" });
  }
}
