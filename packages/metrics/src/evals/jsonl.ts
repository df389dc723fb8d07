// Reading eval data: one JSON object per line, each parsed by the caller,
// ids unique. Every problem names the file and line and says what to do.
import { readFileSync } from "node:fs";
import { jsonLines } from "@otpforge/core";

export interface JsonlReadOptions<T> {
  /** Turns one line's JSON into a record, or throws an error whose message is shown as is. */
  parse: (value: unknown, where: string) => T;
  id: (record: T) => string;
  /** The error type of the caller's data (e.g. TraceDataError). */
  error: new (message: string) => Error;
  /** Appended when the file cannot be read, e.g. how to make one. */
  unreadableHint: string;
  /** "trace data", "fix-bug data"... */
  what: string;
  /** What the id is called in messages. Default "id". */
  idName?: string;
}

export function readJsonlRecords<T>(path: string, o: JsonlReadOptions<T>): T[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new o.error(`Cannot read ${o.what} ${path}: ${(err as Error).message}. ${o.unreadableHint}`);
  }
  const out: T[] = [];
  const ids = new Set<string>();
  for (const { line, value } of jsonLines(text, {
    invalid: (n) => new o.error(`${path}:${n}: not valid JSON. Each line must be one JSON object.`),
  })) {
    const where = `${path}:${line}`;
    const record = o.parse(value, where);
    const id = o.id(record);
    if (ids.has(id)) throw new o.error(`${where}: duplicate ${o.idName ?? "id"} "${id}".`);
    ids.add(id);
    out.push(record);
  }
  return out;
}

/** zod issues as one line: "path: message; ...". */
export function issuesLine(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((x) => `${x.path.map(String).join(".") || "(line)"}: ${x.message}`).join("; ");
}
