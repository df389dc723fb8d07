// The concurrent records of a trace dataset F.jsonl live beside it, in
// F.concurrent.jsonl (the sequential file keeps its schema, which every reader
// of F.jsonl knows): one record per line, written atomically at the end, with
// an append-only checkpoint (F.concurrent.jsonl.partial) while a session runs.
import { appendFileSync, existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { jsonLines, writeFileAtomicSync } from "@otpforge/core";
import { TraceFileError } from "../dataset-file.js";
import { concurrentTraceExampleSchema, type ConcurrentTraceExample } from "./record.js";

export const concurrentPath = (path: string) => `${path.replace(/\.jsonl$/, "")}.concurrent.jsonl`;
const partial = (path: string) => `${concurrentPath(path)}.partial`;

export function parseConcurrentRecords(text: string, source: string, tolerateTornTail = false): ConcurrentTraceExample[] {
  const out: ConcurrentTraceExample[] = [];
  const invalid = (line: number) => new TraceFileError(`${source}:${line}: not valid JSON. A concurrent trace file has one JSON record per line; remove the line or write to another file.`);
  for (const { line, value } of jsonLines(text, { invalid, tolerateTornTail })) {
    const parsed = concurrentTraceExampleSchema.safeParse(value);
    if (!parsed.success) {
      const issues = parsed.error.issues.slice(0, 3).map((x) => `${x.path.join(".") || "(record)"}: ${x.message}`).join("; ");
      throw new TraceFileError(`${source}:${line}: not a concurrent trace record of this version (${issues}). Write to another --out file.`);
    }
    out.push(parsed.data);
  }
  return out;
}

function read(path: string): string {
  if (!existsSync(path)) return "";
  if (statSync(path).isDirectory()) throw new TraceFileError(`${path} is a folder, not a concurrent trace file: move it, or write to another --out file`);
  return readFileSync(path, "utf8");
}

/** The concurrent records of the dataset at `path` (file plus checkpoint; the checkpoint's last world is redone). */
export function readConcurrentRecords(path: string): ConcurrentTraceExample[] {
  const main = parseConcurrentRecords(read(concurrentPath(path)), concurrentPath(path));
  const checkpoint = parseConcurrentRecords(read(partial(path)), partial(path), true);
  const last = Math.max(-1, ...checkpoint.map((e) => e.provenance.worldIndex));
  const seen = new Set(main.map((e) => e.id));
  return [...main, ...checkpoint.filter((e) => e.provenance.worldIndex !== last && !seen.has(e.id) && (seen.add(e.id), true))];
}

export class ConcurrentRecordsWriter {
  constructor(readonly path: string) {}
  append(records: readonly ConcurrentTraceExample[]): void {
    if (records.length) appendFileSync(partial(this.path), records.map((r) => JSON.stringify(r) + "\n").join(""));
  }
  finish(records: readonly ConcurrentTraceExample[]): void {
    writeFileAtomicSync(concurrentPath(this.path), records.map((r) => JSON.stringify(r) + "\n").join(""));
    rmSync(partial(this.path), { force: true });
  }
}
