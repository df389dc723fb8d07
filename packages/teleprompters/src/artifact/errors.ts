// Errors a user can meet when reading, loading or publishing artifacts. Each
// says what is wrong and what to do about it.

/** The file is not a compiled-program artifact this version can read. */
export class ArtifactFormatError extends Error {
  constructor(message: string, readonly source?: string) {
    super(source ? `${source}: ${message}` : message);
    this.name = "ArtifactFormatError";
  }
}

/** The content hash does not match the content: the file was edited or damaged. */
export class ArtifactIntegrityError extends Error {
  constructor(readonly expected: string, readonly actual: string, readonly source?: string) {
    super(
      `${source ? source + ": " : ""}artifact content hash mismatch: the file says ${expected.slice(0, 12)}… ` +
        `but its content hashes to ${actual.slice(0, 12)}…. The artifact was edited or damaged after it was written; ` +
        `recompile it (or restore the original file) instead of editing it by hand.`,
    );
    this.name = "ArtifactIntegrityError";
  }
}

/**
 * The artifact was compiled for a different program: a predictor is missing or
 * extra, or a signature changed. Loading stops: nothing is applied.
 */
export class ArtifactMismatchError extends Error {
  constructor(
    readonly predictor: string,
    /** The field whose definition differs, when the mismatch is in one field. */
    readonly field: string | undefined,
    readonly detail: string,
  ) {
    super(
      `artifact does not match the program at predictor "${predictor}"` +
        (field ? `, field "${field}"` : "") +
        `: ${detail}. Nothing was loaded; recompile the program to get a matching artifact.`,
    );
    this.name = "ArtifactMismatchError";
  }
}

/** A version is already published with different content; versions never change. */
export class VersionExistsError extends Error {
  constructor(readonly artifactName: string, readonly version: string, readonly existingHash: string, readonly newHash: string) {
    super(
      `${artifactName}@${version} is already published with different content ` +
        `(published ${existingHash.slice(0, 12)}…, new ${newHash.slice(0, 12)}…). Published versions are immutable: ` +
        `publish under a new version (e.g. --version with a higher number, or omit --version to bump the patch).`,
    );
    this.name = "VersionExistsError";
  }
}

/** A name@version reference that the registry does not hold. */
export class ArtifactNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArtifactNotFoundError";
  }
}
