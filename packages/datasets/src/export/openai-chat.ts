// Chat fine-tuning JSONL in OpenAI's format: one {"messages": [...]} per line,
// built with the same signature and adapter the trace program prompts with, so
// a model fine-tuned on it sees exactly the prompts it will be asked at run time.
import { ChatAdapter, JSONAdapter, type Adapter, type ChatMessage } from "@otpforge/core";
import { TraceProgram } from "@otpforge/otp-signatures";
import type { TraceDatasetRecord } from "../traces/dataset-record.js";
import type { Split } from "../traces/record.js";
import { writeExportDir } from "./write-dir.js";

export interface OpenAIChatExportOptions {
  outDir: string;
  adapter?: "chat" | "json";
  /** Replace an earlier export in outDir (only the files it wrote). */
  overwrite?: boolean;
  /** The dataset file exported: an outDir holding it is refused. */
  input?: string;
}

export interface ExportResult {
  files: string[];
  counts: Record<string, number>;
}

/** The messages of one training conversation: the program's prompt, then the observed answer. */
export function traceChatMessages(example: TraceDatasetRecord, adapter: Adapter = new ChatAdapter()): ChatMessage[] {
  const sig = new TraceProgram().predict.signature;
  const prompt = adapter.format(sig, {
    inputs: { process_code: example.process_code, event_trace: example.event_trace, question: example.question },
  });
  const answer = adapter.formatAnswer(sig, { reasoning: example.reasoning, prediction: example.answer });
  return [...prompt, { role: "assistant", content: answer }];
}

export function exportOpenAIChat(examples: readonly TraceDatasetRecord[], options: OpenAIChatExportOptions): ExportResult {
  const adapter = options.adapter === "json" ? new JSONAdapter() : new ChatAdapter();
  const bySplit = new Map<Split, string[]>();
  for (const ex of examples) {
    const lines = bySplit.get(ex.split) ?? [];
    lines.push(JSON.stringify({ messages: traceChatMessages(ex, adapter) }));
    bySplit.set(ex.split, lines);
  }
  const files: Record<string, string> = {};
  const counts: Record<string, number> = {};
  for (const [split, lines] of bySplit) {
    files[`${split}.jsonl`] = lines.join("\n") + "\n";
    counts[split] = lines.length;
  }
  return { files: writeExportDir(options.outDir, files, { overwrite: options.overwrite, input: options.input }), counts };
}
