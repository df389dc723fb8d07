// The report's debugging parts: the split in the header, a score beside its
// baseline, score tables, confusion tables, diffs, the model run of a failure,
// candidates labelled by split, and the prompt collapsed. All escaped.
import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { diffLines, diffSequences, renderReport, writeReport, type ReportInput } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "otpforge-report-parts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const XSS = "<script>alert(1)</script>";

const input: ReportInput = {
  title: "parts",
  split: "test",
  overall: [
    { label: "zero-shot", score: 40 },
    { label: "compiled", score: 62.5 },
  ],
  baseline: "zero-shot",
  breakdowns: [
    {
      id: "by-difficulty",
      title: "Score by difficulty (0-100)",
      group: "difficulty",
      rows: [
        { name: "easy", n: 4, scores: { "zero-shot": 50, compiled: 75 } },
        { name: "hard", n: 2, scores: { compiled: 25 } },
      ],
    },
  ],
  confusions: [
    {
      name: "message_fate",
      gold: [":handled", ":lost_in_mailbox"],
      predicted: [":handled", ":lost_in_mailbox", XSS],
      counts: [
        [3, 0, 0],
        [2, 1, 1],
      ],
    },
  ],
  candidates: [
    { label: "zero-shot", score: 40, split: "dev" },
    { label: "bootstrap", score: 70, split: "dev" },
  ],
  failures: [
    {
      id: "f1",
      category: "handling_order",
      question: `What order? ${XSS}`,
      predicted: "[:a, :c]",
      gold: "[:a, :b]",
      diff: { kind: "elements", ops: diffSequences([":a", ":b"], [":a", XSS]) },
      score: 0.5,
      run: {
        reasoning: `because ${XSS}`,
        raw: `[[ ## prediction ## ]]\n${XSS}`,
        tokens: { prompt: 1200, completion: 80 },
        costUSD: 0.000228,
        latencyMs: 812.4,
      },
    },
  ],
  prompts: [{ predictor: "predict", messages: [{ role: "system", content: "You are..." }] }],
};

describe("diffSequences", () => {
  it("keeps the common subsequence and marks the rest by side", () => {
    expect(diffSequences(["a", "b", "c", "d"], ["a", "c", "x", "d"])).toEqual([
      { op: "both", text: "a" },
      { op: "gold", text: "b" },
      { op: "both", text: "c" },
      { op: "predicted", text: "x" },
      { op: "both", text: "d" },
    ]);
    expect(diffSequences([], ["x"])).toEqual([{ op: "predicted", text: "x" }]);
  });

  it("diffs code by line and stays bounded on huge inputs", () => {
    const d = diffLines("def a do\n  1\nend\n", "def a do\n  2\nend");
    expect(d.kind).toBe("lines");
    expect(d.ops.filter((o) => o.op !== "both").map((o) => `${o.op}:${o.text}`)).toEqual(["gold:  1", "predicted:  2"]);
    const big = Array.from({ length: 3000 }, (_, i) => `g${i}`);
    const other = Array.from({ length: 3000 }, (_, i) => `p${i}`);
    const ops = diffSequences(big, other);
    expect(ops).toHaveLength(6000);
  });
});

describe("report parts", () => {
  const html = renderReport(input);

  it("escapes every part and stays self-contained", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html.split("&lt;script&gt;").length - 1).toBeGreaterThanOrEqual(5);
  });

  it("shows the split and each score beside its baseline", () => {
    expect(html).toContain('<p class="split" id="split">split: <b>test</b></p>');
    expect(html).toMatch(/data-label="compiled">.*<b>62\.5<\/b><span class="delta">\+22\.5 vs zero-shot<\/span>/);
    expect(html).not.toMatch(/data-label="zero-shot">[^]*?vs zero-shot[^]*?data-label="compiled"/);
  });

  it("labels candidates with the split they were scored on", () => {
    expect(html).toContain("Optimizer candidates (dev score, 0-100)");
    const mixed = renderReport({
      ...input,
      candidates: [
        { label: "bootstrap", score: 70, split: "dev" },
        { label: "compiled", score: 62, split: "test" },
      ],
    });
    expect(mixed).toContain('data-group="bootstrap [dev]"');
    expect(mixed).toContain('data-group="compiled [test]"');
    expect(renderReport({ ...input, candidates: [{ label: "x", score: 1 }] })).toContain("split not recorded");
  });

  it("renders in Chromium: tables, diff, model run, prompt collapsed", async () => {
    const path = writeReport(join(dir, "parts.html"), input);
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(path).href);
      const cells = (sel: string) =>
        page.$$eval(sel, (rows) =>
          rows.map((r) => Array.from(r.querySelectorAll("th,td") as Iterable<{ textContent: string | null }>, (c) => c.textContent)),
        );
      expect(await cells("#by-difficulty tr")).toEqual([
        ["difficulty", "n", "zero-shot", "compiled"],
        ["easy", "4", "50.0", "75.0"],
        ["hard", "2", "", "25.0"],
      ]);
      expect(await cells("#confusion-0 tr")).toEqual([
        ["gold \\ predicted", ":handled", ":lost_in_mailbox", XSS, "n"],
        [":handled", "3", "0", "0", "3"],
        [":lost_in_mailbox", "2", "1", "1", "4"],
      ]);
      expect(await page.$$eval("#confusion-0 td.hit", (els) => els.map((e) => e.textContent))).toEqual(["3", "1"]);
      const row = await cells("#failures tbody tr");
      expect(row[0]![2]).toBe(`What order? ${XSS}`);
      expect(await page.textContent("#failures details.diff pre")).toBe(`  :a\n- :b\n+ ${XSS}`);
      expect(await page.isVisible("#failures details.diff pre")).toBe(true);
      expect(await page.textContent("#failures .run-facts")).toBe("1200 + 80 tokens, $0.000228, 812 ms");
      expect(await page.textContent("#failures details.reasoning pre")).toBe(`because ${XSS}`);
      // Reasoning, raw output and the prompt are there but start collapsed.
      expect(await page.isVisible("#failures details.reasoning pre")).toBe(false);
      expect(await page.isVisible("#failures details.raw pre")).toBe(false);
      expect(await page.$$eval("details.prompt .msg", (els) => els.length)).toBe(1);
      expect(await page.isVisible("details.prompt .msg")).toBe(false);
      expect(await page.textContent("#split")).toBe("split: test");
    } finally {
      await browser.close();
    }
  });

  it("folds long unchanged runs of a code diff and starts it collapsed", () => {
    const gold = Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n");
    const pred = gold.replace("line 15", "line fifteen");
    const out = renderReport({ title: "t", overall: [], failures: [{ id: "x", predicted: pred, gold, diff: diffLines(gold, pred) }] });
    expect(out).toContain('<details class="diff diff-lines"><summary>1 line only in gold (-), 1 line only predicted (+)</summary>');
    expect(out).toContain("… 12 unchanged lines");
    expect(out).toContain("… 11 unchanged lines");
    expect(out).toContain('<span class="d-gold">- line 15</span>');
    expect(out).toContain('<span class="d-pred">+ line fifteen</span>');
  });
});
