// Turns eval results into the HTML report's input (`--report R.html` on
// `otpforge eval`): scores by category (and difficulty), confusion tables of
// closed answers, and the examples that did not get full marks with the
// question, what the program produced against what was expected, a diff, and
// the model run behind it.
import type { ReportInput, ReportRun } from "@otpforge/core";
import { answerDiff } from "./answer-diff.js";
import { closedAnswerConfusions } from "./closed-answers.js";
import type { CategorySummary, EvalRecord, EvalResult } from "./index.js";

/** What each eval's records call the program's answer and the gold one. */
function predictedAndGold(r: EvalRecord): { predicted: string; gold: string } {
  const rec = r as EvalRecord & Record<string, unknown>;
  const text = (v: unknown) => (typeof v === "string" ? v : v === undefined ? "" : JSON.stringify(v, null, 2));
  if ("expected" in rec) return { predicted: text(rec.predicted ?? rec.error), gold: text(rec.expected) };
  if ("requirements" in rec) {
    // Design: each requirement held or not; a failed one shows the scenario that exposed it
    // (what was called, what came back, what was expected), as the probe observed it.
    const reqs = (rec.requirements as Array<{ id?: string; kind?: string; description?: string; pass?: boolean; detail?: string }>) ?? [];
    return {
      predicted: text(rec.code_skeleton ?? rec.error),
      gold: reqs
        .map(
          (q) =>
            `${q.pass ? "✓" : "✗"} ${q.id ?? ""}${q.kind ? ` [${q.kind}]` : ""}: ${q.description ?? ""}${!q.pass && q.detail ? `\n    observed: ${q.detail}` : ""}`,
        )
        .join("\n"),
    };
  }
  if ("fixed_code" in rec || "passed" in rec) {
    // Fix-bug: the gold is behaviour, not text: the held-out harness must pass every run.
    // Each failed check is named; review findings are shown apart (they are not scored).
    const check = typeof rec.failedCheck === "string" ? `failed check: ${rec.failedCheck}` : undefined;
    const why = [check, rec.reason, rec.firstFailure].filter((v) => typeof v === "string" && v).join("\n");
    const findings = Array.isArray(rec.findings)
      ? (rec.findings as Array<{ kind: string; module: string; function: string; line: number; message: string }>).map(
          (f) => `review finding (not scored): ${f.module}.${f.function} line ${f.line}: ${f.message}`,
        )
      : [];
    const checks = Array.isArray(rec.checks) ? ", keeps the public API, passes the pass-to-pass suite and leaves no stray process" : "";
    return {
      predicted: text(rec.fixed_code ?? rec.error),
      gold: `passes the held-out harness in all ${text(rec.runs)} runs${checks}${why ? `\ngot: ${why}` : ""}${findings.length ? `\n${findings.join("\n")}` : ""}`,
    };
  }
  return { predicted: text(rec.error), gold: "" };
}

/**
 * The input that plays the question's part in each eval: the trace question,
 * the bug explanation (fix-bug), the problem description (design).
 */
const QUESTION_FIELDS = ["question", "explanation", "problem_description"] as const;

function questionOf(r: EvalRecord): string | undefined {
  for (const f of QUESTION_FIELDS) {
    const v = r.inputs?.[f];
    if (typeof v === "string") return v;
  }
  return undefined;
}

function runOf(r: EvalRecord): ReportRun | undefined {
  const run: ReportRun = {
    ...(r.reasoning !== undefined ? { reasoning: r.reasoning } : {}),
    ...(r.raw !== undefined ? { raw: r.raw } : {}),
    ...(r.tokens ? { tokens: r.tokens } : {}),
    ...(r.costUSD !== undefined ? { costUSD: r.costUSD } : {}),
    ...(r.latencyMs !== undefined ? { latencyMs: r.latencyMs } : {}),
  };
  return Object.keys(run).length ? run : undefined;
}

/** The split(s) the records came from, when they say (reasoning records do). */
function recordSplits(result: EvalResult): string | undefined {
  const splits = [
    ...new Set(result.records.map((r) => (r as { split?: unknown }).split).filter((s): s is string => typeof s === "string")),
  ].sort();
  return splits.length ? splits.join("+") : undefined;
}

/** Tokens and cost of the whole run; the cost is "unknown" as soon as one example's is. */
function spend(result: EvalResult): Record<string, string> {
  const withTokens = result.records.filter((r) => r.tokens);
  if (withTokens.length === 0) return {};
  const prompt = withTokens.reduce((s, r) => s + r.tokens!.prompt, 0);
  const completion = withTokens.reduce((s, r) => s + r.tokens!.completion, 0);
  const priced = result.records.every((r) => r.costUSD !== undefined);
  return {
    tokens: `${prompt} prompt + ${completion} completion`,
    cost: priced ? `$${result.records.reduce((s, r) => s + r.costUSD!, 0).toFixed(4)}` : "unknown",
  };
}

const DIFFICULTY_ORDER = ["easy", "medium", "hard"];

function byDifficultyOf(result: EvalResult): Record<string, CategorySummary> | undefined {
  const d = (result as EvalResult & { byDifficulty?: Record<string, CategorySummary> }).byDifficulty;
  return d && Object.keys(d).length ? d : undefined;
}

export interface EvalReportOptions {
  title?: string;
  meta?: Record<string, string | number>;
  /**
   * The split the examples were drawn from (e.g. "test"), shown in the header.
   * Default: the splits the records name (reasoning), else "not recorded".
   */
  split?: string;
  /** Another run to compare with (e.g. the zero-shot program), shown as a second series and as the baseline of the score. */
  baseline?: { label: string; result: EvalResult };
  label?: string;
  /** The evaluated program's rendered prompts (shown collapsed). */
  prompts?: ReportInput["prompts"];
  /** Optimizer candidates to chart, each with the split it was scored on (a compile run's leaderboard). */
  candidates?: ReportInput["candidates"];
}

export function evalReportInput(result: EvalResult, options: EvalReportOptions = {}): ReportInput {
  const label = options.label ?? "program";
  const runs = [...(options.baseline ? [{ label: options.baseline.label, result: options.baseline.result }] : []), { label, result }];
  const names = [...new Set(runs.flatMap((r) => Object.keys(r.result.byCategory)))].sort();
  const difficulties = [...new Set(runs.flatMap((r) => Object.keys(byDifficultyOf(r.result) ?? {})))].sort(
    (a, b) => rank(a) - rank(b) || a.localeCompare(b),
  );
  const confusions = closedAnswerConfusions(result.records);
  return {
    title: options.title ?? `otpforge eval: ${result.task}`,
    split: options.split ?? recordSplits(result) ?? "not recorded",
    meta: { task: result.task, examples: result.n, errors: result.errors, ...spend(result), ...options.meta },
    overall: runs.map((r) => ({ label: r.label, score: r.result.score * 100 })),
    ...(options.baseline ? { baseline: options.baseline.label } : {}),
    categories: names.map((name) => ({
      name,
      n: result.byCategory[name]?.n,
      scores: Object.fromEntries(
        runs.filter((r) => r.result.byCategory[name]).map((r) => [r.label, r.result.byCategory[name]!.score * 100]),
      ),
    })),
    ...(difficulties.length
      ? {
          breakdowns: [
            {
              id: "by-difficulty",
              title: "Score by difficulty (0-100)",
              group: "difficulty",
              rows: difficulties.map((name) => ({
                name,
                n: byDifficultyOf(result)?.[name]?.n,
                scores: Object.fromEntries(
                  runs.flatMap((r) => (byDifficultyOf(r.result)?.[name] ? [[r.label, byDifficultyOf(r.result)![name]!.score * 100]] : [])),
                ),
              })),
            },
          ],
        }
      : {}),
    ...kindBreakdown(runs),
    ...(confusions.length ? { confusions } : {}),
    ...(options.candidates ? { candidates: options.candidates } : {}),
    failures: result.records
      .filter((r) => r.score < 1)
      .map((r) => {
        const f = predictedAndGold(r);
        const rec = r as EvalRecord & { feedback?: unknown; message?: unknown; reason?: unknown };
        const feedback = rec.feedback ?? rec.message ?? rec.reason;
        const question = questionOf(r);
        const diff = answerDiff(r);
        const run = runOf(r);
        return {
          id: r.id,
          category: r.category,
          ...(question !== undefined ? { question } : {}),
          predicted: f.predicted,
          gold: f.gold,
          ...(diff ? { diff } : {}),
          score: r.score,
          ...(typeof feedback === "string" ? { feedback } : {}),
          ...(run ? { run } : {}),
        };
      }),
    ...(options.prompts ? { prompts: options.prompts } : {}),
  };
}

type KindRates = Record<string, { n: number; rate: number }>;

/** Design evals: the pass rate of each requirement kind (0-100), after the per-category scores. */
function kindBreakdown(runs: Array<{ label: string; result: EvalResult }>): Pick<ReportInput, "breakdowns"> | Record<string, never> {
  const of = (r: EvalResult) => (r as EvalResult & { byKind?: KindRates }).byKind;
  const kinds = [...new Set(runs.flatMap((r) => Object.keys(of(r.result) ?? {})))].sort();
  if (!kinds.length) return {};
  return {
    breakdowns: [
      {
        id: "by-requirement-kind",
        title: "Requirements held, by kind (0-100)",
        group: "requirement kind",
        rows: kinds.map((name) => ({
          name,
          n: of(runs[runs.length - 1]!.result)?.[name]?.n,
          scores: Object.fromEntries(runs.flatMap((r) => (of(r.result)?.[name] ? [[r.label, of(r.result)![name]!.rate * 100]] : []))),
        })),
      },
    ],
  };
}

function rank(difficulty: string): number {
  const i = DIFFICULTY_ORDER.indexOf(difficulty);
  return i < 0 ? DIFFICULTY_ORDER.length : i;
}
