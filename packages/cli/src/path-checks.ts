// Checks of the paths a verb reads or writes, made before any work starts, so
// that a folder named where a file belongs (or the reverse) is refused with
// the path and what was expected, instead of failing midway with a bare errno.
import { readFileSync, statSync, type Stats } from "node:fs";
import { dirname } from "node:path";
import { PathError, userPathError } from "./fs-errors.js";

/** stat, or undefined when nothing is there; a file on the way to `path` is refused. */
function statOrNothing(path: string, role: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    if (code === "ENOTDIR") throw new PathError("ENOTDIR", `${role} ${path}: ${fileOnTheWay(path)} is a file, not a folder`);
    throw asPathError(err, `${role} ${path}`);
  }
}

/** The nearest ancestor of `path` that exists but is not a folder. */
function fileOnTheWay(path: string): string {
  for (let p = dirname(path); p !== dirname(p); p = dirname(p)) {
    try {
      if (!statSync(p).isDirectory()) return p;
    } catch {
      // not there either: keep walking up
    }
  }
  return dirname(path);
}

function asPathError(err: unknown, what: string): unknown {
  const known = userPathError(err);
  return known ? new PathError(known.code, `cannot use ${what}: ${known.message}`) : err;
}

/** The text of a file the user gave as input. `role` names it in messages ("--buggy", "the dataset"). */
export function readInputFile(path: string, role: string): string {
  const info = statOrNothing(path, role);
  if (!info) throw new PathError("ENOENT", `no such file: ${path} (${role})`);
  if (info.isDirectory()) throw new PathError("EISDIR", `${role} ${path} is a folder, not a file`);
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw asPathError(err, `${role} ${path}`);
  }
}

/** A file the verb will create or replace: an existing folder in its place is refused. */
export function checkOutputFile(path: string, role: string): void {
  if (statOrNothing(path, role)?.isDirectory()) {
    throw new PathError(
      "EISDIR",
      `${role} ${path} is a folder: name the file to write instead (e.g. ${path.replace(/\/+$/, "")}/out.jsonl)`,
    );
  }
}

/** A folder the verb will create or write into: an existing file in its place is refused. */
export function checkOutputDir(path: string, role: string): void {
  const info = statOrNothing(path, role);
  if (info && !info.isDirectory())
    throw new PathError("ENOTDIR", `${role} ${path} is a file, not a folder: choose a folder (it is never replaced by one)`);
}
