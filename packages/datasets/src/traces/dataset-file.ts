// Trace dataset files: JSONL records, an append-only checkpoint beside them
// while a session runs (`F.jsonl.partial`), the final file written to a
// temporary name and renamed, and the statistics in `F.stats.json`.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { traceExampleSchema, type TraceExample } from "./record.js";

export class TraceFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TraceFileError";
  }
}

export const partialPath = (path: string) => `${path}.partial`;
export const statsPath = (path: string) => `${path.replace(/\.jsonl$/, "")}.stats.json`;

/** Parses JSONL trace records; `tolerateTornTail` drops an unfinished last line (an interrupted append). */
export function parseTraceRecords(text: string, source: string, tolerateTornTail = false): TraceExample[] {
  const lines = text.split("\n");
  const out: TraceExample[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    const isLast = i === lines.length - 1 || lines.slice(i + 1).every((l) => l.trim() === "");
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (tolerateTornTail && isLast && !text.endsWith("\n")) return;
      throw new TraceFileError(`${source}:${i + 1}: not valid JSON. A trace dataset has one JSON record per line; remove the line or write to another file.`);
    }
    const parsed = traceExampleSchema.safeParse(value);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 3).map((x) => `${x.path.join(".") || "(record)"}: ${x.message}`).join("; ");
      throw new TraceFileError(`${source}:${i + 1}: not a trace example of this version (${issues}). Write to another file.`);
    }
    out.push(parsed.data);
  });
  return out;
}

/**
 * The records of an earlier session: the dataset file plus its checkpoint,
 * without duplicate ids. The checkpoint's last world may have been cut off
 * mid-write, so its records are left out: generation redoes that world (it
 * gives the same records again).
 */
export function readTraceDataset(path: string): { examples: TraceExample[]; fromCheckpoint: number } {
  const main = existsSync(path) ? parseTraceRecords(readFileSync(path, "utf8"), path) : [];
  const checkpoint = existsSync(partialPath(path)) ? parseTraceRecords(readFileSync(partialPath(path), "utf8"), partialPath(path), true) : [];
  const lastWorld = Math.max(-1, ...checkpoint.map((e) => e.provenance.worldIndex));
  const partial = checkpoint.filter((e) => e.provenance.worldIndex !== lastWorld);
  const seen = new Set(main.map((e) => e.id));
  const extra = partial.filter((e) => !seen.has(e.id) && (seen.add(e.id), true));
  return { examples: [...main, ...extra], fromCheckpoint: extra.length };
}

export function serializeTraceRecords(examples: readonly TraceExample[]): string {
  return examples.map((e) => JSON.stringify(e)).join("\n") + (examples.length ? "\n" : "");
}

/** Writes text to a temporary name in the same directory, then renames it into place. */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/**
 * The checkpoint of a running session: every accepted record is appended to
 * `F.jsonl.partial` at once, so an interrupted session loses at most the world
 * being processed; `finish` writes F.jsonl atomically and removes the checkpoint.
 */
export class TraceDatasetWriter {
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
  }

  append(records: readonly TraceExample[]): void {
    if (records.length) appendFileSync(partialPath(this.path), serializeTraceRecords(records));
  }

  finish(examples: readonly TraceExample[], stats: unknown): void {
    writeFileAtomic(this.path, serializeTraceRecords(examples));
    writeFileAtomic(statsPath(this.path), JSON.stringify(stats, null, 2) + "\n");
    rmSync(partialPath(this.path), { force: true });
  }
}
