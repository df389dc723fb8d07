// Trace dataset files: JSONL records, an append-only checkpoint beside them
// while a session runs (`F.jsonl.partial`), the final file written to a
// temporary name and renamed, the statistics in `F.stats.json`, and the
// options that made the records in `F.options.json` (a later session
// completes the file only under the same ones: resume-check.ts).
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { jsonLines, OtpforgeError, writeFileAtomicSync } from "@otpforge/core";
import type { ConcurrentTraceExample } from "./concurrent/record.js";
import { isConcurrentRecord, recordSchemaFor, type TraceDatasetRecord } from "./dataset-record.js";
import type { TraceExample } from "./record.js";
import type { TraceGenerationOptions } from "./resume-check.js";

/** A trace dataset file that cannot be read or used: the user fixes or moves it. */
export class TraceFileError extends OtpforgeError {
  constructor(message: string) {
    super("TRACE_FILE", message, { category: "input" });
  }
}

export const partialPath = (path: string) => `${path}.partial`;
export const statsPath = (path: string) => `${path.replace(/\.jsonl$/, "")}.stats.json`;
export const optionsPath = (path: string) => `${path.replace(/\.jsonl$/, "")}.options.json`;

/** The text of a dataset file, "" when there is none; a folder or an unreadable file in its place is a TraceFileError. */
function readIfThere(path: string): string {
  if (!existsSync(path)) return "";
  if (statSync(path).isDirectory()) throw new TraceFileError(`${path} is a folder, not a trace dataset file: name a .jsonl file instead`);
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new TraceFileError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/** Parses JSONL trace records; `tolerateTornTail` drops an unfinished last line (an interrupted append). */
export function parseTraceRecords(text: string, source: string, tolerateTornTail = false): TraceDatasetRecord[] {
  const out: TraceDatasetRecord[] = [];
  const invalid = (line: number) =>
    new TraceFileError(
      `${source}:${line}: not valid JSON. A trace dataset has one JSON record per line; remove the line or write to another file.`,
    );
  for (const { line, value } of jsonLines(text, { invalid, tolerateTornTail })) {
    const parsed = recordSchemaFor(value).safeParse(value);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .slice(0, 3)
        .map((x) => `${x.path.join(".") || "(record)"}: ${x.message}`)
        .join("; ");
      throw new TraceFileError(`${source}:${line}: not a trace example of this version (${issues}). Write to another file.`);
    }
    out.push(parsed.data);
  }
  return out;
}

/**
 * The records of an earlier session: the dataset file plus its checkpoint,
 * without duplicate ids, sequential and concurrent worlds apart. The
 * checkpoint's last world of each kind may have been cut off mid-write, so its
 * records are left out: generation redoes that world (it gives the same records
 * again).
 */
export function readTraceDataset(path: string): { examples: TraceExample[]; concurrent: ConcurrentTraceExample[]; fromCheckpoint: number } {
  const main = parseTraceRecords(readIfThere(path), path);
  const checkpoint = parseTraceRecords(readIfThere(partialPath(path)), partialPath(path), true);
  const lastOf = (concurrent: boolean) =>
    Math.max(-1, ...checkpoint.filter((e) => isConcurrentRecord(e) === concurrent).map((e) => e.provenance.worldIndex));
  const last = { seq: lastOf(false), conc: lastOf(true) };
  const partial = checkpoint.filter((e) => e.provenance.worldIndex !== (isConcurrentRecord(e) ? last.conc : last.seq));
  const seen = new Set(main.map((e) => e.id));
  const extra = partial.filter((e) => !seen.has(e.id) && (seen.add(e.id), true));
  const all = [...main, ...extra];
  return {
    examples: all.filter((e): e is TraceExample => !isConcurrentRecord(e)),
    concurrent: all.filter(isConcurrentRecord),
    fromCheckpoint: extra.length,
  };
}

/**
 * The options recorded beside the dataset at `path` (or its interrupted
 * session's checkpoint). Undefined when there is neither (options left from a
 * deleted dataset bind nothing) or when none were recorded (older files).
 */
export function readGenerationOptions(path: string): TraceGenerationOptions | undefined {
  if (!existsSync(path) && !existsSync(partialPath(path))) return undefined;
  const text = readIfThere(optionsPath(path));
  if (text === "") return undefined;
  try {
    const o = JSON.parse(text) as Partial<TraceGenerationOptions>;
    // (Files from before the explorer observed every world were made from runs.)
    if (typeof o.seed === "string" && typeof o.n === "number" && Array.isArray(o.families) && typeof o.runs === "number")
      return { observation: "runs", concurrentShare: 0, maxSchedules: 1000, ...o } as TraceGenerationOptions;
  } catch {
    // reported below
  }
  throw new TraceFileError(
    `${optionsPath(path)} is not the options file of a trace dataset: restore it, or delete it (the records are still checked against the options)`,
  );
}

export function serializeTraceRecords(examples: readonly TraceDatasetRecord[]): string {
  return examples.map((e) => JSON.stringify(e)).join("\n") + (examples.length ? "\n" : "");
}

/**
 * The checkpoint of a running session: every accepted record is appended to
 * `F.jsonl.partial` at once, so an interrupted session loses at most the world
 * being processed; `finish` writes F.jsonl atomically and removes the checkpoint.
 */
export class TraceDatasetWriter {
  /** `options` are recorded beside the file before any record is written, so that even an interrupted session's checkpoint is resumed only under them. */
  constructor(
    readonly path: string,
    options?: TraceGenerationOptions,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    if (options) writeFileAtomicSync(optionsPath(path), JSON.stringify(options, null, 2) + "\n");
  }

  append(records: readonly TraceDatasetRecord[]): void {
    if (records.length) appendFileSync(partialPath(this.path), serializeTraceRecords(records));
  }

  finish(examples: readonly TraceDatasetRecord[], stats: unknown): void {
    writeFileAtomicSync(this.path, serializeTraceRecords(examples));
    writeFileAtomicSync(statsPath(this.path), JSON.stringify(stats, null, 2) + "\n");
    rmSync(partialPath(this.path), { force: true });
  }
}
