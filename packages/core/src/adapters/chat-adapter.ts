// DSPy's chat format: a system message that lists the fields, shows the
// `[[ ## field ## ]]` layout and states the objective; demos as user/assistant
// pairs; the answer as sections ending with `[[ ## completed ## ]]`.
import type { Data } from "../example.js";
import type { Fields } from "../signature/fields.js";
import type { InferOutputs, Signature } from "../signature/signature.js";
import type { LM } from "../lm/types.js";
import {
  Adapter,
  AdapterParseError,
  describeIssues,
  type AdapterCallOptions,
  type AdapterOptions,
  type AdapterResult,
  type FormatRequest,
  type Issue,
  type ParseFailure,
  type ParseResult,
} from "./adapter.js";
import { JSONAdapter } from "./json-adapter.js";
import { enumerateFields, formatValue, header, MISSING_FIELD, outputTypeNote, parseValue, present } from "./values.js";

const HEADER_LINE = /^\[\[ ## (\w+) ## \]\]/;

export interface ChatAdapterOptions extends AdapterOptions {
  /** After the parse retries fail, ask once more through JSONAdapter (default true, as DSPy does). */
  jsonFallback?: boolean;
}

export class ChatAdapter extends Adapter {
  readonly name = "ChatAdapter";
  readonly jsonFallback: boolean;

  constructor(options: ChatAdapterOptions = {}) {
    super(options);
    this.jsonFallback = options.jsonFallback ?? true;
  }

  // A model that cannot keep the [[ ## field ## ]] layout often manages JSON:
  // one JSONAdapter call before giving up. Its failure reports the chat attempts.
  override async call<I extends Fields, O extends Fields>(
    lm: LM,
    sig: Signature<I, O>,
    request: FormatRequest,
    options: AdapterCallOptions = {},
  ): Promise<AdapterResult<InferOutputs<O>>> {
    try {
      return await super.call(lm, sig, request, options);
    } catch (err) {
      if (!this.jsonFallback || !(err instanceof AdapterParseError)) throw err;
      try {
        return await new JSONAdapter({ maxRetries: 0 }).call(lm, sig, request, options);
      } catch {
        throw err;
      }
    }
  }

  formatAnswer<I extends Fields, O extends Fields>(sig: Signature<I, O>, outputs: Data): string {
    const sections = sig.outputFields.map(
      (f) => `${header(f.name)}\n${present(outputs, f.name) ? formatValue(outputs[f.name]) : MISSING_FIELD}`,
    );
    return [...sections, header("completed")].join("\n\n");
  }

  parse<I extends Fields, O extends Fields>(sig: Signature<I, O>, text: string): ParseResult<InferOutputs<O>> {
    const sections = new Map<string, string>();
    let current: string | undefined;
    let lines: string[] = [];
    const flush = () => {
      // The first occurrence of a field wins, as in DSPy.
      if (current !== undefined && !sections.has(current)) sections.set(current, lines.join("\n").trim());
    };
    for (const line of text.split(/\r?\n/)) {
      const m = HEADER_LINE.exec(line.trim());
      if (m) {
        flush();
        current = m[1];
        lines = [line.trim().slice(m[0].length)];
      } else {
        lines.push(line);
      }
    }
    flush();

    const value: Record<string, unknown> = {};
    const missing: Issue[] = [];
    for (const f of sig.outputFields) {
      if (sections.has(f.name)) value[f.name] = parseValue(sections.get(f.name)!, f);
      else if (!f.schema.safeParse(undefined).success) {
        missing.push({ code: "custom", path: [f.name], message: `missing the ${header(f.name)} section`, input: undefined } as Issue);
      }
    }
    const result = sig.outputSchema().safeParse(value);
    const missingNames = new Set(missing.map((i) => i.path[0]));
    const issues = [...missing, ...(result.success ? [] : result.error.issues.filter((i) => !missingNames.has(i.path[0])))];
    if (issues.length === 0 && result.success) return { ok: true, value: result.data as InferOutputs<O> };
    return { ok: false, error: { message: describeIssues(issues), issues } };
  }

  formatRetry<I extends Fields, O extends Fields>(sig: Signature<I, O>, failure: ParseFailure): string {
    return (
      `Your previous response could not be used:\n${failure.message}\n\n` +
      `Answer again, fixing these problems. ${this.outputRequirements(sig as unknown as Signature)}`
    );
  }

  /** The system message: field lists, the section layout, the objective. */
  systemMessage(sig: Signature, instructions: string): string {
    const layout = [
      ...sig.inputFields.map((f) => `${header(f.name)}\n{${f.name}}`),
      ...sig.outputFields.map((f) => {
        const note = outputTypeNote(f);
        return `${header(f.name)}\n{${f.name}}${note ? `        # note: the value you produce ${note}` : ""}`;
      }),
      header("completed"),
    ].join("\n\n");
    const parts = [
      sig.inputFields.length ? `Your input fields are:\n${enumerateFields(sig.inputFields)}` : "You receive no input fields.",
      `Your output fields are:\n${enumerateFields(sig.outputFields)}`,
      "All interactions will be structured in the following way, with the appropriate values filled in.",
      layout,
      `In adhering to this structure, your objective is: \n${indent(instructions.trim())}`,
    ];
    return parts.join("\n\n");
  }

  /** "Respond with the corresponding output fields, starting with ..." */
  outputRequirements(sig: Signature): string {
    const fields = sig.outputFields.map((f) => {
      const note = f.isText ? "" : ` (${outputTypeNote(f)!.replace(/: \{.*$/, "")})`;
      return `\`${header(f.name)}\`${note}`;
    });
    return (
      `Respond with the corresponding output fields, starting with the field ${fields.join(", then ")}, ` +
      `and then ending with the marker for \`${header("completed")}\`.`
    );
  }
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `        ${l}`)
    .join("\n");
}
