import { readFile } from "node:fs/promises";
import { example, jsonLines, type Example } from "@otpforge/core";

/** A dataset file that cannot be read as examples; says which line and why. */
export class ExamplesFileError extends Error {
  // The code and category the CLI maps (see OtpforgeError in @otpforge/core).
  readonly code = "EXAMPLES_FILE";
  readonly category = "input" as const;
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`${path}: ${detail}`);
    this.name = "ExamplesFileError";
  }
}

/**
 * Reads examples from JSONL (one JSON object a line; blank lines ignored) or
 * from a JSON array, marking `inputKeys` as inputs. Every record must have
 * every input key.
 */
export async function loadJsonlExamples(path: string, inputKeys: readonly string[]): Promise<Example[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new ExamplesFileError(path, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const records: Array<{ line: number; value: unknown }> = [];
  if (text.trimStart().startsWith("[")) {
    let all: unknown;
    try {
      all = JSON.parse(text);
    } catch (err) {
      throw new ExamplesFileError(path, `is not valid JSON (${(err as Error).message})`);
    }
    (all as unknown[]).forEach((value, i) => records.push({ line: i + 1, value }));
  } else {
    records.push(
      ...jsonLines(text, { invalid: (line, err) => new ExamplesFileError(path, `line ${line} is not valid JSON (${err.message})`) }),
    );
  }
  return records.map(({ line, value }) => {
    if (!value || typeof value !== "object" || Array.isArray(value))
      throw new ExamplesFileError(path, `record ${line} is not a JSON object`);
    const missing = inputKeys.filter((k) => !Object.hasOwn(value, k));
    if (missing.length) throw new ExamplesFileError(path, `record ${line} lacks the input key(s) ${missing.join(", ")}`);
    return example(value as Record<string, unknown>).withInputs(...inputKeys);
  });
}
