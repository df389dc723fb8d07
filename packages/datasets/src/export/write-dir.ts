// Writing an export folder without ever losing a file the export did not
// write. The folder is built under a fresh temporary name beside the target
// and renamed into place, so a crash never leaves a half-written export where
// a reader expects one. The export records its own files in a manifest;
// `overwrite` replaces an earlier export only when the folder holds nothing
// but what that manifest lists, and never a folder that holds the input.
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, sep } from "node:path";
import { OtpforgeError } from "@otpforge/core";

/** The manifest an export leaves in its folder: the files it wrote, relative to the folder. */
export const EXPORT_MANIFEST = ".otpforge-export.json";
const MANIFEST_KIND = "otpforge.export";

/** An export that would replace or destroy something it must not, or cannot be written where asked. */
export class ExportError extends OtpforgeError {
  constructor(message: string) {
    super("EXPORT_REFUSED", message, { category: "input" });
  }
}

export interface WriteExportOptions {
  /** Replace an earlier export in the folder (only its own files). */
  overwrite?: boolean;
  /** The file the export was made from: a target folder holding it is refused. */
  input?: string;
}

/** Writes `files` (relative path → text) as the folder `outDir`; returns the paths written. */
export function writeExportDir(outDir: string, files: Record<string, string>, options: WriteExportOptions = {}): string[] {
  const earlier = refuseUnlessReplaceable(outDir, options);
  try {
    mkdirSync(dirname(outDir), { recursive: true });
  } catch (err) {
    throw new ExportError(`cannot create the folder for ${outDir}: ${(err as Error).message}`);
  }
  // A fresh name each time: nothing already there (the user's or another run's) is ever removed.
  const tmp = mkdtempSync(`${outDir}.tmp-`);
  try {
    for (const [rel, text] of Object.entries(files)) {
      const path = join(tmp, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
    writeFileSync(join(tmp, EXPORT_MANIFEST), JSON.stringify({ kind: MANIFEST_KIND, files: Object.keys(files).sort() }, null, 2) + "\n");
    if (earlier) removeEarlierExport(outDir, earlier);
    renameSync(tmp, outDir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
  return Object.keys(files).map((rel) => join(outDir, rel));
}

/**
 * Whether `outDir` may become the export: undefined when nothing (or an empty
 * folder) is there, the earlier export's files when `overwrite` may replace
 * them; otherwise an ExportError saying what is in the way.
 */
function refuseUnlessReplaceable(outDir: string, options: WriteExportOptions): string[] | undefined {
  let isDir: boolean;
  try {
    isDir = statSync(outDir).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ENOTDIR") throw new ExportError(`cannot export to ${outDir}: a part of that path is a file, not a folder`);
    throw err;
  }
  if (!isDir)
    throw new ExportError(
      `${outDir} is a file, not a folder: an export is a folder of files and never replaces a file. Choose another --out folder.`,
    );
  if (options.input && holds(outDir, options.input)) {
    throw new ExportError(`${outDir} holds the input ${options.input}: the export would replace it. Choose another --out folder.`);
  }
  const entries = listFiles(outDir);
  if (entries.length === 0) return [];
  if (!options.overwrite)
    throw new ExportError(`${outDir} already exists. Choose another --out folder, or pass --overwrite to replace an earlier export there.`);
  const own = readManifest(outDir);
  if (!own) {
    throw new ExportError(
      `${outDir} was not written by otpforge export (it has no ${EXPORT_MANIFEST}): --overwrite replaces only an earlier export's own files. ` +
        "Choose another --out folder, or empty this one yourself.",
    );
  }
  const foreign = entries.filter((rel) => rel !== EXPORT_MANIFEST && !own.includes(rel));
  if (foreign.length) {
    const shown = foreign.slice(0, 5).join(", ") + (foreign.length > 5 ? `, … (${foreign.length} in all)` : "");
    throw new ExportError(
      `${outDir} holds files the earlier export did not write (${shown}): --overwrite replaces only the export's own files. ` +
        "Move them away or choose another --out folder.",
    );
  }
  return own.filter((rel) => entries.includes(rel));
}

/** Whether `path` lies inside the folder `dir` (symbolic links resolved). */
function holds(dir: string, path: string): boolean {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return false;
  }
  return real.startsWith(realpathSync(dir) + sep);
}

/**
 * Every entry under `dir` that is not a folder holding entries, relative, with
 * "/" separators: files, symbolic links (never followed) and empty folders
 * (as "name/"), so that nothing in the folder goes unaccounted for.
 */
function listFiles(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (!e.isDirectory()) return [rel];
    const inside = listFiles(dir, rel);
    return inside.length ? inside : [`${rel}/`];
  });
}

function readManifest(dir: string): string[] | undefined {
  try {
    const m = JSON.parse(readFileSync(join(dir, EXPORT_MANIFEST), "utf8")) as { kind?: unknown; files?: unknown };
    if (m.kind !== MANIFEST_KIND || !Array.isArray(m.files) || !m.files.every((f) => typeof f === "string")) return undefined;
    return m.files as string[];
  } catch {
    return undefined;
  }
}

/**
 * Deletes the earlier export's files one by one, then the folders they leave
 * empty. Folders are removed without recursion, so a file that appeared since
 * the check stops the export instead of being deleted with them.
 */
function removeEarlierExport(outDir: string, own: readonly string[]): void {
  for (const rel of [...own, EXPORT_MANIFEST]) rmSync(join(outDir, rel), { force: true });
  const dirs = [
    ...new Set(
      own.flatMap((rel) =>
        rel
          .split("/")
          .slice(0, -1)
          .map((_, i, parts) => parts.slice(0, i + 1).join("/")),
      ),
    ),
  ];
  try {
    for (const rel of dirs.sort((a, b) => b.length - a.length)) rmdirSync(join(outDir, rel));
    rmdirSync(outDir);
  } catch (err) {
    throw new ExportError(`${outDir} changed while exporting (${(err as Error).message}); nothing else was removed. Run the export again.`);
  }
}
