import { resolve } from "node:path";
import { exportHuggingFace, exportOpenAIChat, parseTraceRecords, EXPORT_MANIFEST } from "@otpforge/datasets";
import { parseVerbArgs } from "../args.js";
import { checkOutputDir, readInputFile } from "../path-checks.js";
import { UsageError, type Verb } from "../verb.js";

const FORMATS = ["openai-chat", "hf"] as const;

export const exportVerb: Verb = {
  name: "export",
  summary: "turn a trace dataset into fine-tuning files (openai-chat) or a Hugging Face dataset (hf)",
  help: `Usage: otpforge export F.jsonl --format openai-chat|hf --out DIR [--adapter chat|json] [--name NAME] [--overwrite] [--json]

Writes DIR atomically (built under a temporary name, then renamed), with
DIR/${EXPORT_MANIFEST} listing the files it wrote. An existing DIR is refused;
--overwrite replaces an earlier export there, and only when DIR holds nothing
but that export's own files (never the input, never a file of yours).
  openai-chat  DIR/<split>.jsonl, one {"messages": [system, user, assistant]} per example,
               the prompt exactly as the trace program renders it (chat adapter by default)
  hf           DIR/data/{train,validation,test}.jsonl and a dataset card DIR/README.md
               (schema, statistics, provenance)

Examples:
  otpforge export traces.jsonl --format openai-chat --out out/chat
  otpforge export traces.jsonl --format hf --out out/hf --name otp-traces`,
  async run(argv, io) {
    const { values, positionals } = parseVerbArgs("export", argv, {
      format: { type: "string" },
      out: { type: "string" },
      adapter: { type: "string" },
      name: { type: "string" },
      overwrite: { type: "boolean" },
    });
    if (positionals.length !== 1)
      throw new UsageError("give exactly one dataset file, e.g. `otpforge export traces.jsonl --format hf --out out/hf`");
    const format = values.format as (typeof FORMATS)[number] | undefined;
    if (!format || !FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}`);
    if (!values.out) throw new UsageError("--out DIR is required (the folder to create)");
    if (values.adapter !== undefined && values.adapter !== "chat" && values.adapter !== "json")
      throw new UsageError("--adapter must be chat or json");
    const file = resolve(io.cwd, positionals[0]!);
    const outDir = resolve(io.cwd, values.out);
    const examples = parseTraceRecords(readInputFile(file, "the dataset to export"), file);
    if (examples.length === 0) throw new UsageError(`${file} holds no examples`);
    checkOutputDir(outDir, "--out");
    // The export refuses anything it would lose (TRACE_FILE, EXPORT_REFUSED errors: exit 2 in run-cli).
    const r =
      format === "hf"
        ? exportHuggingFace(examples, { outDir, name: values.name, overwrite: values.overwrite, input: file })
        : exportOpenAIChat(examples, {
            outDir,
            adapter: values.adapter as "chat" | "json" | undefined,
            overwrite: values.overwrite,
            input: file,
          });
    if (values.json) io.stdout(JSON.stringify({ format, out: outDir, counts: r.counts, files: r.files }) + "\n");
    else {
      io.stdout(`wrote ${format} export to ${outDir}\n`);
      for (const [split, n] of Object.entries(r.counts)) io.stdout(`  ${split.padEnd(10)} ${n} examples\n`);
    }
    return 0;
  },
};
