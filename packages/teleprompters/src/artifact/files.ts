import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { writeJsonAtomic } from "@otpforge/core";
import { parseArtifact } from "./parse.js";
import { ArtifactFormatError } from "./errors.js";
import type { CompiledProgram } from "./schema.js";

/** Name of the artifact file inside an artifact directory. */
export const ARTIFACT_FILE = "artifact.json";
/** Folder of rendered prompts inside an artifact directory. */
export const PROMPTS_DIR = "prompts";

/** A rendered prompt per predictor, written as prompts/<predictor>.json. */
export type RenderedPrompts = Record<string, unknown>;

/**
 * Writes DIR/artifact.json and, when given, DIR/prompts/<predictor>.json, each
 * atomically. Returns the path of the artifact file.
 */
export async function writeArtifactDir(dir: string, artifact: CompiledProgram, prompts?: RenderedPrompts): Promise<string> {
  if (prompts) {
    for (const [name, prompt] of Object.entries(prompts)) {
      await writeJsonAtomic(join(dir, PROMPTS_DIR, `${promptFileStem(name)}.json`), prompt);
    }
  }
  const path = join(dir, ARTIFACT_FILE);
  await writeJsonAtomic(path, artifact);
  return path;
}

/** Predictor names are dotted paths ("step1", "list.0"); keep them readable but safe as file names. */
export function promptFileStem(predictorName: string): string {
  return predictorName.replace(/[^A-Za-z0-9._-]/g, "_");
}

/**
 * Reads and verifies an artifact from a file, or from a directory holding
 * artifact.json. Throws ArtifactFormatError / ArtifactIntegrityError.
 */
export async function readArtifact(path: string): Promise<CompiledProgram> {
  let file = path;
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new ArtifactFormatError(`no such file or directory; give the path of an artifact.json or of the directory that holds it`, path);
  }
  if (info.isDirectory()) file = join(path, ARTIFACT_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new ArtifactFormatError(`cannot read ${ARTIFACT_FILE} here; was the program compiled into this directory?`, file);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ArtifactFormatError(`not valid JSON (${(err as Error).message})`, file);
  }
  return parseArtifact(value, file);
}
