import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ChatAdapter } from "@otpforge/core";
import { TraceProgram } from "@otpforge/otp-signatures";
import {
  buildTraceDataset,
  localElixirRunner,
  exportOpenAIChat,
  exportHuggingFace,
  traceExampleSchema,
  EXPORT_MANIFEST,
  type TraceDatasetRecord,
} from "../src/index.js";
import { ExportError } from "../src/internal.js";

let examples: TraceDatasetRecord[];
const dir = mkdtempSync(join(tmpdir(), "otpforge-export-"));

beforeAll(async () => {
  // Real, BEAM-observed records (small n keeps this quick).
  const r = await buildTraceDataset({ n: 12, seed: "export-test", runner: localElixirRunner(2), runs: 2 });
  examples = r.examples;
  expect(examples.length).toBe(12);
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function jsonl(path: string): unknown[] {
  const text = readFileSync(path, "utf8");
  expect(text.endsWith("\n")).toBe(true);
  return text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line));
}

describe("openai-chat export", () => {
  it("writes one valid chat conversation per example, split by split", () => {
    const out = join(dir, "chat");
    const r = exportOpenAIChat(examples, { outDir: out });
    const total = Object.values(r.counts).reduce((a, b) => a + b, 0);
    expect(total).toBe(examples.length);
    const adapter = new ChatAdapter();
    const sig = new TraceProgram().predict.signature;
    // The split files, and the manifest that lets --overwrite replace exactly them later.
    expect(readdirSync(out)).toContain(EXPORT_MANIFEST);
    for (const file of readdirSync(out).filter((f) => f !== EXPORT_MANIFEST)) {
      expect(file).toMatch(/^(train|dev|test)\.jsonl$/);
      for (const line of jsonl(join(out, file)) as Array<{ messages: Array<{ role: string; content: string }> }>) {
        expect(Object.keys(line)).toEqual(["messages"]);
        expect(line.messages.map((m) => m.role)).toEqual(["system", "user", "assistant"]);
        for (const m of line.messages) expect(typeof m.content).toBe("string");
        // The assistant turn parses back, with the adapter the program uses, into the observed answer.
        const parsed = adapter.parse(sig, line.messages[2]!.content);
        expect(parsed.ok).toBe(true);
        const gold = examples.find(
          (e) => line.messages[1]!.content.includes(e.question) && line.messages[1]!.content.includes(e.event_trace),
        );
        expect(gold).toBeDefined();
        if (parsed.ok) expect((parsed.value as { prediction: string }).prediction).toBe(gold!.answer);
      }
    }
  });

  it("refuses to overwrite an existing export", () => {
    expect(() => exportOpenAIChat(examples, { outDir: join(dir, "chat") })).toThrow(ExportError);
  });
});

describe("Hugging Face export", () => {
  it("writes a JSONL per split and a dataset card naming them", () => {
    const out = join(dir, "hf");
    const r = exportHuggingFace(examples, { outDir: out, name: "otp-traces-test" });
    const card = readFileSync(join(out, "README.md"), "utf8");
    expect(card.startsWith("---\n")).toBe(true);
    const header = card.split("---\n")[1]!;
    for (const split of Object.keys(r.counts)) {
      expect(["train", "validation", "test"]).toContain(split);
      expect(header).toContain(`- split: ${split}\n    path: data/${split}.jsonl`);
      const rows = jsonl(join(out, "data", `${split}.jsonl`));
      expect(rows).toHaveLength(r.counts[split]!);
      for (const row of rows) expect(traceExampleSchema.safeParse(row).success).toBe(true);
    }
    expect(existsSync(join(out, "data", "dev.jsonl"))).toBe(false);
    expect(card).toContain("## Schema");
    expect(card).toContain("`replay`");
    expect(card).toContain(`Seeds: export-test`);
    expect(card).toMatch(/Elixir \d+\.\d+/);
  });
});
