import { currentAdapter, type Adapter, type ChatMessage, type Module } from "@otpforge/core";

/** prompts/<predictor>.json: the tuned prompt as a template other languages can fill in. */
export interface RenderedPrompt {
  kind: "otpforge.rendered-prompt";
  predictor: string;
  signatureHash: string;
  adapter: string;
  /**
   * Input fields in order; each appears in the last message as the placeholder
   * given here ("{{name}}": the system message shows the answer layout with
   * single-brace names, which are not placeholders).
   */
  inputs: Array<{ name: string; placeholder: string; type: string; description?: string }>;
  /** Output fields the model is asked for, in order. */
  outputs: Array<{ name: string; type: string; description?: string }>;
  /** The messages exactly as otpforge sends them, with placeholders where the input values go. */
  messages: ChatMessage[];
}

/** The rendered prompt of every predictor, keyed by predictor name (with the adapter each would use). */
export function renderPrompts(program: Module, options: { adapter?: Adapter } = {}): Record<string, RenderedPrompt> {
  const out: Record<string, RenderedPrompt> = {};
  for (const [name, p] of program.namedPredictors()) {
    const adapter = currentAdapter(options.adapter ?? p.adapter);
    out[name] = {
      kind: "otpforge.rendered-prompt",
      predictor: name,
      signatureHash: p.signature.hash(),
      adapter: adapter.name,
      inputs: p.signature.inputFields.map((f) => ({
        name: f.name,
        placeholder: placeholder(f.name),
        type: f.typeLabel,
        ...(f.description !== undefined ? { description: f.description } : {}),
      })),
      outputs: p.signature.outputFields.map((f) => ({
        name: f.name,
        type: f.typeLabel,
        ...(f.description !== undefined ? { description: f.description } : {}),
      })),
      messages: adapter.format(p.signature, {
        instructions: p.instructions,
        demos: p.demos,
        inputs: Object.fromEntries(p.signature.inputNames.map((n) => [n, placeholder(n)])),
      }),
    };
  }
  return out;
}

function placeholder(name: string): string {
  return `{{${name}}}`;
}
