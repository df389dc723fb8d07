// What `otpforge demo` prints for each step the demo reports (@otpforge/tasks'
// runDemo): the step's heading, then its tables and where its files went.
import { relative } from "node:path";
import { noModelMessage } from "@otpforge/core";
import type { DemoEvent } from "@otpforge/tasks";
import { textTable, pct } from "./table.js";

type Stats = Extract<DemoEvent, { kind: "dataset-done" }>["stats"];
type CatalogReport = Extract<DemoEvent, { kind: "catalog-done" }>["report"];

/** A printer of demo events: `say` gets the text, paths are shown relative to `cwd`. */
export function demoPrinter(say: (text: string) => void, cwd: string): (e: DemoEvent) => void {
  const rel = (p: string) => relative(cwd, p) || p;
  return (e) => {
    switch (e.kind) {
      case "dataset-start":
        return say(`1. Building ${e.n} execution-verified trace examples (each world run ${e.runs} times on the BEAM)...\n`);
      case "dataset-done":
        say(datasetTable(e.stats));
        return say(`   wrote ${rel(e.path)} (+ train/dev/test.jsonl, traces.stats.json)\n\n`);
      case "catalog-start":
        return say(`2. Verifying the reference catalog of bug/fix pairs (${e.runs} runs per side)...\n`);
      case "catalog-done": {
        const catalog = e.report;
        say(catalogTable(catalog));
        const valid = catalog.entries.filter((c) => c.verdict.verdict === "valid").length;
        return say(
          `   ${valid} pairs valid, ${catalog.entries.length - valid} invalid; ${catalog.unexpected.length === 0 ? "every verdict as expected" : `UNEXPECTED: ${catalog.unexpected.join(", ")}`}\n`,
        );
      }
      case "explore-start":
        return say(`\n3. Exploring every interleaving of two counters on the BEAM (virtual time, each outcome with a witness)...\n`);
      case "explored": {
        const { step: s, result: r, shown } = e;
        say(
          `   ${s.name}: ${r.outcomes.length} outcome${r.outcomes.length === 1 ? "" : "s"} over ${r.schedules} schedules${r.complete ? " (complete)" : " (NOT complete)"}${s.asExpected ? "" : " UNEXPECTED"}\n`,
        );
        say(
          textTable(
            ["final value", "schedules"],
            r.outcomes.map((o) => [o.outcome, o.schedules ?? 1]),
          )
            .trimEnd()
            .replace(/^/gm, "   ") + "\n",
        );
        if (shown)
          say(
            `   a schedule that ends in ${shown.outcome} (an update lost), replayable with witness ${JSON.stringify(shown.witness)}:\n${shown.steps.map((t, i) => `   ${String(i + 1).padStart(4)}. ${t}`).join("\n")}\n`,
          );
        return;
      }
      case "no-model":
        return say(
          `\n${noModelMessage({ lmFlag: false })}.\nSo compiling, evaluating, publishing and the report were skipped: set one and rerun \`npm run demo\`.\n`,
        );
      case "compile-start":
        return say(`\nCompiling the trace predictor with BootstrapFewShot on the train split (model ${e.lm})...\n`);
      case "eval-start":
        return say(`Evaluating zero-shot and compiled programs on ${e.examples} test examples...\n`);
      case "model-done": {
        const m = e.result;
        say(
          "\n" +
            textTable(
              ["program", "test score", "examples"],
              [
                ["zero-shot", pct(m.zeroShot.score), m.zeroShot.n],
                ["compiled (BootstrapFewShot)", pct(m.compiled.score), m.compiled.n],
              ],
            ),
        );
        return say(
          `   artifact: ${rel(m.published.path)} (${m.published.name}@${m.published.version})\n   report:   ${rel(m.reportPath)}\n`,
        );
      }
    }
  };
}

function datasetTable(stats: Stats): string {
  const rows = Object.entries(stats.families).map(([family, f]) => [
    family,
    f.count,
    f.distinctAnswers,
    f.topAnswer ?? "-",
    pct(f.topShare),
  ]);
  return (
    textTable(["family", "examples", "distinct answers", "most common answer", "its share"], rows) +
    `  splits: train ${stats.splits.train}, dev ${stats.splits.dev}, test ${stats.splits.test}; ` +
    `deterministic ${stats.deterministic}, outcome sets ${stats.nondeterministic}; ` +
    `worlds run ${stats.worlds.run} (duplicates ${stats.worlds.duplicates}, disagreeing ${stats.worlds.disagreeing}, failed ${stats.worlds.failed}); ` +
    `balance ${stats.balance.ok ? "ok" : "VIOLATED: " + stats.balance.violations.join("; ")}\n` +
    concurrentTable(stats.concurrent)
  );
}

/** The concurrent worlds' families: how many questions have two or more possible outcomes (which one run cannot tell). */
function concurrentTable(stats: Stats["concurrent"]): string {
  if (!stats) return "";
  const rows = Object.entries(stats.families).map(([family, f]) => [family, f.questions, f.multiOutcome, f.maxOutcomes]);
  return (
    "\n" +
    textTable(["concurrent family", "questions", "2+ possible outcomes", "most outcomes"], rows) +
    `  ${stats.questions} questions from ${stats.worlds.contributing} worlds, each explored over every interleaving (${stats.model.join(", ") || "single-node"} model); ` +
    `${pct(stats.multiOutcomeShare)} have two or more possible outcomes\n`
  );
}

function catalogTable(report: CatalogReport): string {
  const rows = report.entries.map((c) => [
    c.id,
    c.kind,
    c.verdict.verdict,
    `${c.verdict.buggyFailures}/${report.runs}`,
    `${c.verdict.fixedFailures}/${report.runs}`,
    c.ok ? "as expected" : `UNEXPECTED: ${c.verdict.reason}`,
  ]);
  return textTable(["entry", "kind", "verdict", "bug shown", "fix failed", "check"], rows);
}
