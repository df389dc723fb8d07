// The one JSONL reader of otpforge (datasets, eval data, training examples):
// one JSON value a line, blank lines skipped, each value with its line number
// so that every error can say where the file is wrong.

/** One parsed line: its 1-based number in the text and its JSON value. */
export interface JsonLine {
  line: number;
  value: unknown;
}

export interface JsonLinesOptions {
  /** The error to throw for a line that is not JSON: the caller's type and wording, given the line number and the parser's error. */
  invalid: (line: number, cause: Error) => Error;
  /**
   * Skip an unfinished last line (the text does not end with a newline and no
   * non-blank line follows it): what an interrupted append leaves behind.
   */
  tolerateTornTail?: boolean;
}

/**
 * The values of a JSONL text, one per non-blank line, in order. Lazy: a
 * caller that checks each value as it comes reports the first wrong line,
 * whether its JSON or its content is wrong.
 */
export function* jsonLines(text: string, options: JsonLinesOptions): Generator<JsonLine> {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      if (options.tolerateTornTail && !text.endsWith("\n") && lines.slice(i + 1).every((l) => l.trim() === "")) return;
      throw options.invalid(i + 1, err as Error);
    }
    yield { line: i + 1, value };
  }
}
