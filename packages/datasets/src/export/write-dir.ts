import { mkdirSync, renameSync, rmSync, existsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * Builds an export in a temporary sibling folder and renames it into place,
 * so a crash never leaves a half-written export where a reader expects one.
 * An existing non-empty target is refused rather than overwritten unless
 * `overwrite` is set.
 */
export function writeExportDir(outDir: string, files: Record<string, string>, overwrite = false): string[] {
  if (existsSync(outDir) && !overwrite) {
    throw new ExportError(`${outDir} already exists. Choose another --out folder or remove it first.`);
  }
  mkdirSync(dirname(outDir), { recursive: true });
  const tmp = `${outDir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  for (const [rel, text] of Object.entries(files)) {
    const path = join(tmp, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
  renameSync(tmp, outDir);
  return Object.keys(files).map((rel) => join(outDir, rel));
}

export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExportError";
  }
}
