import { stableStringify, type Module } from "@otpforge/core";
import { describePredictors } from "./build.js";
import { ArtifactMismatchError } from "./errors.js";
import { readArtifact } from "./files.js";
import { parseArtifact } from "./parse.js";
import type { CompiledProgram, FieldSpec, PredictorArtifact } from "./schema.js";

/**
 * Applies an artifact's instructions and demos to `program` (in place) and
 * returns it. Everything is checked first — the content hash, then that every
 * predictor and every signature field still matches — so a mismatch raises
 * ArtifactMismatchError naming the predictor and field, and nothing is applied.
 */
export function loadCompiled<P extends Module>(program: P, artifact: CompiledProgram | unknown): P {
  const checked = parseArtifact(artifact);
  assertMatches(program, checked);
  const predictors: Record<string, { signatureHash: string; instructions: string; demos: Array<Record<string, unknown>> }> = {};
  for (const p of checked.predictors) predictors[p.name] = { signatureHash: p.signatureHash, instructions: p.instructions, demos: p.demos };
  // loadState validates again and applies all predictors or none.
  program.loadState({ version: 1, predictors });
  return program;
}

/** loadCompiled from a file or an artifact directory. */
export async function loadCompiledFile<P extends Module>(program: P, path: string): Promise<P> {
  return loadCompiled(program, await readArtifact(path));
}

/** Throws ArtifactMismatchError at the first difference between program and artifact. */
export function assertMatches(program: Module, artifact: CompiledProgram): void {
  const current = describePredictors(program);
  const stored = new Map(artifact.predictors.map((p) => [p.name, p]));
  for (const p of current) {
    const s = stored.get(p.name);
    if (!s) {
      throw new ArtifactMismatchError(
        p.name,
        undefined,
        `the program has this predictor but the artifact has none by that name (artifact has: ${[...stored.keys()].join(", ") || "none"})`,
      );
    }
    compareSignature(p, s);
  }
  const names = new Set(current.map((p) => p.name));
  for (const s of artifact.predictors) {
    if (!names.has(s.name)) throw new ArtifactMismatchError(s.name, undefined, "the artifact has this predictor but the program does not");
  }
}

function compareSignature(program: PredictorArtifact, artifact: PredictorArtifact): void {
  const name = program.name;
  for (const side of ["inputs", "outputs"] as const) {
    const mine = program.signature[side];
    const theirs = artifact.signature[side];
    const kind = side === "inputs" ? "input" : "output";
    for (let i = 0; i < Math.max(mine.length, theirs.length); i++) {
      const a = mine[i];
      const b = theirs[i];
      if (!b)
        throw new ArtifactMismatchError(name, a!.name, `the program has ${kind} field "${a!.name}" which the artifact's signature lacks`);
      if (!a)
        throw new ArtifactMismatchError(name, b.name, `the artifact's signature has ${kind} field "${b.name}" which the program lacks`);
      if (a.name !== b.name) {
        throw new ArtifactMismatchError(
          name,
          a.name,
          `${kind} field ${i + 1} is "${a.name}" in the program but "${b.name}" in the artifact`,
        );
      }
      compareField(name, kind, a, b);
    }
  }
  if (program.signature.instructions !== artifact.signature.instructions) {
    throw new ArtifactMismatchError(name, undefined, "the signature's instructions changed since the artifact was compiled");
  }
  if (program.signatureHash !== artifact.signatureHash) {
    throw new ArtifactMismatchError(
      name,
      undefined,
      `the signature hash differs (program ${program.signatureHash.slice(0, 12)}…, artifact ${artifact.signatureHash.slice(0, 12)}…)`,
    );
  }
}

function compareField(predictor: string, kind: string, a: FieldSpec, b: FieldSpec): void {
  if (a.type !== b.type)
    throw new ArtifactMismatchError(predictor, a.name, `${kind} type is ${a.type} in the program but ${b.type} in the artifact`);
  if ((a.description ?? "") !== (b.description ?? "")) {
    throw new ArtifactMismatchError(
      predictor,
      a.name,
      `${kind} description changed (program: ${JSON.stringify(a.description ?? "")}, artifact: ${JSON.stringify(b.description ?? "")})`,
    );
  }
  if (stableStringify(a.jsonSchema) !== stableStringify(b.jsonSchema)) {
    throw new ArtifactMismatchError(
      predictor,
      a.name,
      `${kind} schema changed (program ${stableStringify(a.jsonSchema)}, artifact ${stableStringify(b.jsonSchema)})`,
    );
  }
}
