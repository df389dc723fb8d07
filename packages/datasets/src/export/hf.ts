// A Hugging Face `datasets` layout: data/<split>.jsonl (dev is published as
// "validation", HF's name for it) and a dataset card README.md whose YAML
// header tells the Hub which file holds which split.
import { concurrentTraceExampleSchema } from "../traces/concurrent/record.js";
import { isConcurrentRecord, type TraceDatasetRecord } from "../traces/dataset-record.js";
import { traceExampleSchema, type TraceExample } from "../traces/record.js";
import { writeExportDir } from "./write-dir.js";
import type { ExportResult } from "./openai-chat.js";

const HF_SPLIT = { train: "train", dev: "validation", test: "test" } as const;

export interface HFExportOptions {
  outDir: string;
  /** Shown as the card's title. */
  name?: string;
  /** Replace an earlier export in outDir (only the files it wrote). */
  overwrite?: boolean;
  /** The dataset file exported: an outDir holding it is refused. */
  input?: string;
}

export function exportHuggingFace(examples: readonly TraceDatasetRecord[], options: HFExportOptions): ExportResult {
  const files: Record<string, string> = {};
  const counts: Record<string, number> = {};
  for (const split of ["train", "dev", "test"] as const) {
    const rows = examples.filter((e) => e.split === split);
    if (rows.length === 0) continue;
    const hfSplit = HF_SPLIT[split];
    files[`data/${hfSplit}.jsonl`] = rows.map((r) => JSON.stringify(r)).join("\n") + "\n";
    counts[hfSplit] = rows.length;
  }
  files["README.md"] = datasetCard(examples, counts, options.name ?? "otpforge-traces");
  return { files: writeExportDir(options.outDir, files, { overwrite: options.overwrite, input: options.input }), counts };
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return [...m.entries()].sort((a, b) => a[0].localeCompare(b[0]));
}

function table(header: [string, string], rows: Array<[string, number | string]>): string {
  return [`| ${header[0]} | ${header[1]} |`, "| --- | --- |", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
}

/** The fields of a record with their descriptions, read from the zod schema so the card cannot drift. */
function schemaRows(): Array<[string, string]> {
  // Sequential records' fields, then what concurrent records add.
  const shape = { ...traceExampleSchema.shape, ...concurrentTraceExampleSchema.shape } as Record<
    string,
    { description?: string; def?: { type?: string } }
  >;
  const described: Record<string, string> = {
    schemaVersion: "record format version",
    id: "stable id (hash of world and question)",
    split: "train, dev or test, decided by a structural hash of the world so near-duplicates never cross splits",
    family: "question family",
    difficulty: "easy, medium or hard (generator knobs)",
    process_code: "the Elixir source of the processes (and supervisor)",
    event_trace: "the timeline of stimuli from the external System process (and observed events up to a cut-off for some families)",
    question: "what to predict, with the answer format",
    answer: "canonical Elixir term text observed on the BEAM",
    answer_kind: "how the answer is compared (term, integer, ordered_list, set, outcome_set)",
    deterministic: "true when one outcome was proved over every explored interleaving; false for a set of possible outcomes",
    reasoning: "step-by-step explanation derived from the observed events",
    replay: "standalone .exs: `elixir replay.exs` reruns the world and prints the answer as its last line",
    question_spec: "machine-readable form of the question",
    exploration: "concurrent worlds: the explorer's model, schedules, bounds and one witness interleaving per outcome",
    provenance: "generator version, seeds, world hash, Elixir/OTP versions, schedules explored (or runs) and how many agreed",
  };
  return Object.keys(shape).map((k) => [`\`${k}\``, described[k] ?? shape[k]?.description ?? ""]);
}

function datasetCard(examples: readonly TraceDatasetRecord[], counts: Record<string, number>, name: string): string {
  const splits = Object.keys(counts);
  const sequential = examples.filter((e): e is TraceExample => !isConcurrentRecord(e));
  const concurrent = examples.filter(isConcurrentRecord);
  const first = sequential[0]?.provenance;
  const seeds = [...new Set(examples.map((e) => e.provenance.seed))];
  const explored = sequential.filter((e) => e.provenance.explored).length;
  const deterministic = examples.filter((e) => e.deterministic).length;
  const multi = concurrent.filter((e) => e.exploration.witnesses.length >= 2).length;
  const yaml = [
    "---",
    `pretty_name: ${JSON.stringify(name)}`,
    "language:",
    "- en",
    "tags:",
    "- elixir",
    "- erlang",
    "- otp",
    "- concurrency",
    "- execution-verified",
    "task_categories:",
    "- text-generation",
    "configs:",
    "- config_name: default",
    "  data_files:",
    ...splits.flatMap((s) => [`  - split: ${s}`, `    path: data/${s}.jsonl`]),
    "---",
  ].join("\n");
  return `${yaml}

# ${name}

Trace-prediction examples about Erlang/Elixir OTP concurrency: given the code of a few OTP processes,
a timeline of stimuli and a question, predict what the BEAM does. Every answer was **observed by
running the code on a real BEAM**, never written by a model or by hand. Generated by otpforge.

## Splits

${table(["split", "examples"], Object.entries(counts))}

## Schema

${table(["field", "meaning"], schemaRows())}

## Statistics

${table(
  ["family", "examples"],
  countBy(examples, (e) => e.family),
)}

${table(
  ["difficulty", "examples"],
  countBy(examples, (e) => e.difficulty),
)}

${table(
  ["answer kind", "examples"],
  countBy(examples, (e) => e.answer_kind),
)}

Deterministic examples (one outcome over every explored interleaving, or every run agreed): ${deterministic} of ${examples.length}.
Concurrent examples (answered with every possible outcome): ${concurrent.length}, of which ${multi} have two or more.

## Provenance

- Generator: ${first ? `${first.generator} ${first.generatorVersion} (world schema v${first.worldSchemaVersion})` : "n/a"}
- Seeds: ${seeds.join(", ") || "n/a"}
- Sequential worlds explored over every interleaving: ${explored} of ${sequential.length} examples (the rest: agreeing real-time runs)
- Elixir ${(first ?? concurrent[0]?.provenance)?.elixir ?? "?"} on OTP ${(first ?? concurrent[0]?.provenance)?.otp ?? "?"}
- Audit any example: save its \`replay\` field to \`replay.exs\` and run \`elixir replay.exs\`; the last line printed is the answer
  (a concurrent example's \`replay\` is its scenario: \`otpforge explore replay.exs\` lists every outcome again).
`;
}
