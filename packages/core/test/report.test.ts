import { describe, it, expect, afterAll } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { renderReport, writeReport, type ReportInput } from "../src/report/index.js";

const dir = mkdtempSync(join(tmpdir(), "otpforge-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const input: ReportInput = {
  title: "Trace prediction <demo>",
  meta: { task: "trace", model: "openai/gpt-4o-mini" },
  overall: [
    { label: "zero-shot", score: 41.5 },
    { label: "compiled", score: 63 },
  ],
  categories: [
    { name: "final_state", n: 10, scores: { "zero-shot": 50, compiled: 70 } },
    { name: "call_result", n: 8, scores: { "zero-shot": 25, compiled: 62.5 } },
    { name: "alive_at_end", n: 6, scores: { "zero-shot": 0, compiled: 50 } },
  ],
  candidates: [
    { label: "zero-shot", score: 41.5 },
    { label: "labeled", score: 52 },
    { label: "bootstrap", score: 63 },
  ],
  failures: [
    {
      id: "ex-1",
      category: "call_result",
      question: "What does call 2 return?",
      predicted: "{:ok, 3}",
      gold: "{:exit, :timeout}",
      score: 0,
      feedback: "exit class differs",
    },
    { id: "ex-2", category: "final_state", predicted: "<script>alert(1)</script>", gold: "%{count: 2}", score: 0.5 },
  ],
  prompts: [
    {
      predictor: "predict",
      messages: [
        { role: "system", content: "Your input fields are:\n1. `process_code`" },
        { role: "user", content: "{process_code}" },
      ],
    },
  ],
};

describe("HTML report", () => {
  it("is one self-contained file that escapes model output", () => {
    const html = renderReport(input);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("Trace prediction &lt;demo&gt;");
  });

  it("renders its charts and tables in headless Chromium", async () => {
    const path = writeReport(join(dir, "r.html"), input);
    expect(readFileSync(path, "utf8")).toContain("<svg");
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
      const requests: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(path).href);
      // Only the file itself was loaded: nothing from the network.
      expect(requests.every((u) => u.startsWith("file:"))).toBe(true);
      const bars = await page.$$eval("#by-category rect.bar", (els) =>
        els.map((e) => ({ w: e.getBoundingClientRect().width, v: e.getAttribute("data-value") })),
      );
      expect(bars).toHaveLength(6);
      // The compiled bar for call_result (62.5) is drawn wider than zero-shot's (25).
      const widths = Object.fromEntries(
        await page.$$eval("#by-category rect.bar", (els) =>
          els.map((e) => [`${e.getAttribute("data-group")}/${e.getAttribute("data-series")}`, e.getBoundingClientRect().width]),
        ),
      );
      expect(widths["call_result/compiled"]).toBeGreaterThan(widths["call_result/zero-shot"] * 2);
      expect(await page.$$eval("#candidates rect.bar", (els) => els.length)).toBe(3);
      const rows = await page.$$eval("#failures tbody tr", (els) =>
        els.map((e) => Array.from(e.querySelectorAll("td") as Iterable<{ textContent: string | null }>, (td) => td.textContent)),
      );
      expect(rows).toHaveLength(2);
      expect(rows[0]?.[3]).toBe("{:ok, 3}");
      expect(rows[0]?.[4]).toBe("{:exit, :timeout}");
      expect(rows[1]?.[3]).toBe("<script>alert(1)</script>");
      expect(await page.textContent("#overall")).toContain("63.0");
      expect(await page.$$eval("details.prompt .msg", (els) => els.length)).toBe(2);
    } finally {
      await browser.close();
    }
  });
});
