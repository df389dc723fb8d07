import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Module } from "@otpforge/core";
import { finalizeArtifact, type ArtifactContent } from "./finalize.js";
import { FORMAT_VERSION, ARTIFACT_KIND, type CompiledProgram, type FieldSpec, type PredictorArtifact } from "./schema.js";

type AnyPredictor = ReturnType<Module["namedPredictors"]>[number][1];
type FieldInfoLike = AnyPredictor["signature"]["inputFields"][number];

export type ArtifactRunInfo = Omit<ArtifactContent, "kind" | "formatVersion" | "predictors" | "versions"> & {
  versions?: Record<string, string>;
};

/** Seals a program's tuned state plus the run's facts into an artifact. */
export function buildArtifact(program: Module, info: ArtifactRunInfo, options: { now?: () => Date } = {}): CompiledProgram {
  return finalizeArtifact(
    {
      kind: ARTIFACT_KIND,
      formatVersion: FORMAT_VERSION,
      ...info,
      predictors: describePredictors(program),
      versions: info.versions ?? packageVersions(),
    },
    options,
  );
}

/** Per predictor: the full signature, its hash, the instructions and demos in use. */
export function describePredictors(program: Module): PredictorArtifact[] {
  return program.namedPredictors().map(([name, p]) => ({
    name,
    signature: {
      name: p.signature.name,
      instructions: p.signature.instructions,
      inputs: p.signature.inputFields.map(fieldSpec),
      outputs: p.signature.outputFields.map(fieldSpec),
    },
    signatureHash: p.signature.hash(),
    instructions: p.instructions,
    demos: p.demos.map((d) => JSON.parse(JSON.stringify(d)) as Record<string, unknown>),
  }));
}

export function fieldSpec(f: FieldInfoLike): FieldSpec {
  return {
    name: f.name,
    type: f.typeLabel,
    ...(f.description !== undefined ? { description: f.description } : {}),
    jsonSchema: f.jsonSchema,
  };
}

let versions: Record<string, string> | undefined;

/** Versions of the packages that shape an artifact (read once from their package.json files). */
export function packageVersions(): Record<string, string> {
  if (versions) return versions;
  const own = join(dirname(fileURLToPath(import.meta.url)), "../../package.json");
  const out: Record<string, string> = {};
  const read = (path: string) => JSON.parse(readFileSync(path, "utf8")) as { name: string; version: string };
  const self = read(own);
  out[self.name] = self.version;
  const require = createRequire(own);
  for (const dep of ["@otpforge/core", "zod"]) {
    try {
      let dir = dirname(require.resolve(dep));
      // Walk up from the resolved entry to the package's own package.json.
      for (let i = 0; i < 6; i++, dir = dirname(dir)) {
        try {
          const pkg = read(join(dir, "package.json"));
          if (pkg.name === dep) {
            out[dep] = pkg.version;
            break;
          }
        } catch {
          // not this directory
        }
      }
    } catch {
      // not resolvable here: leave it out rather than guess
    }
  }
  versions = out;
  return out;
}
