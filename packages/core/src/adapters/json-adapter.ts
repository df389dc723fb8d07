// Asks for one JSON object matching the output schema (and requests provider
// structured output where supported). Inputs and demos are laid out as in the
// chat adapter; answers and demo answers are JSON.
import type { Data } from "../example.js";
import type { ResponseFormat } from "../lm/types.js";
import type { Fields } from "../signature/fields.js";
import type { InferOutputs, Signature } from "../signature/signature.js";
import { Adapter, customFailure, describeIssues, type ParseFailure, type ParseResult } from "./adapter.js";
import { enumerateFields, header, MISSING_FIELD, present, stripFence } from "./values.js";

export class JSONAdapter extends Adapter {
  readonly name = "JSONAdapter";

  formatAnswer<I extends Fields, O extends Fields>(sig: Signature<I, O>, outputs: Data): string {
    const obj: Data = {};
    for (const f of sig.outputFields) obj[f.name] = present(outputs, f.name) ? outputs[f.name] : MISSING_FIELD;
    return JSON.stringify(obj, null, 2);
  }

  parse<I extends Fields, O extends Fields>(sig: Signature<I, O>, text: string): ParseResult<InferOutputs<O>> {
    const body = stripFence(text);
    const start = body.indexOf("{");
    const end = body.lastIndexOf("}");
    if (start < 0 || end < start) return { ok: false, error: customFailure("the answer contains no JSON object") };
    let value: unknown;
    try {
      value = JSON.parse(body.slice(start, end + 1));
    } catch (e) {
      return { ok: false, error: customFailure(`the answer is not valid JSON (${(e as Error).message})`) };
    }
    const result = sig.outputSchema().safeParse(value);
    if (result.success) return { ok: true, value: result.data as InferOutputs<O> };
    return { ok: false, error: { message: describeIssues(result.error.issues), issues: result.error.issues } };
  }

  formatRetry<I extends Fields, O extends Fields>(sig: Signature<I, O>, failure: ParseFailure): string {
    return `Your previous response could not be used:\n${failure.message}\n\nAnswer again, fixing these problems. ${this.outputRequirements(sig as unknown as Signature)}`;
  }

  override responseFormat<I extends Fields, O extends Fields>(sig: Signature<I, O>): ResponseFormat {
    const name =
      sig.name
        .replace(/[^A-Za-z0-9_-]+/g, "_")
        .replace(/^_+|_+$/g, "")
        .slice(0, 64) || "output";
    return { type: "json_schema", name, schema: sig.outputJSONSchema() };
  }

  systemMessage(sig: Signature, instructions: string): string {
    const inputLayout = sig.inputFields.map((f) => `${header(f.name)}\n{${f.name}}`).join("\n\n");
    return [
      sig.inputFields.length ? `Your input fields are:\n${enumerateFields(sig.inputFields)}` : "You receive no input fields.",
      `Your output fields are:\n${enumerateFields(sig.outputFields)}`,
      "All interactions will be structured in the following way, with the appropriate values filled in.",
      ...(inputLayout ? [`Inputs will have the following structure:\n\n${inputLayout}`] : []),
      `Outputs will be a JSON object with the output fields as keys, adhering to this JSON schema:\n${JSON.stringify(sig.outputJSONSchema())}`,
      `In adhering to this structure, your objective is: \n${instructions
        .trim()
        .split("\n")
        .map((l) => `        ${l}`)
        .join("\n")}`,
    ].join("\n\n");
  }

  outputRequirements(sig: Signature): string {
    return `Respond with a JSON object in the following order of fields: ${sig.outputFields.map((f) => `\`${f.name}\``).join(", then ")}.`;
  }
}
