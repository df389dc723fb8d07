// From an observed world to dataset records: which questions qualify, and the
// record of one question (text, answer, reasoning, replay, provenance).
import { sha256 } from "@otpforge/core";
import type { WorldObservation } from "./observe-world.js";
import { specKey, type QuestionSpec } from "./questions/spec.js";
import { answerKind, outcomesQuestionText, questionText } from "./questions/text.js";
import { renderReasoning } from "./reasoning.js";
import { TRACE_GENERATOR_VERSION, TRACE_RECORD_SCHEMA_VERSION, traceExampleSchema, type TraceExample } from "./record.js";
import { renderProcessCode } from "./render-code.js";
import { renderEventTrace } from "./render-trace.js";
import { renderReplay } from "./replay.js";
import { WORLD_SCHEMA_VERSION, type World } from "./world.js";

export interface Candidate {
  spec: QuestionSpec;
  /** Canonical answer text (for outcome sets: the sorted list of outcomes). */
  answer: string;
  deterministic: boolean;
  outcomes: string[];
  runsAgreed: number;
}

/**
 * The questions a world can ask. Runs that disagree on an answer make it an
 * outcome-set question when `askOutcomes`, and drop it otherwise.
 */
export function candidates(specs: readonly QuestionSpec[], obs: WorldObservation, askOutcomes: boolean, racy = false): Candidate[] {
  const out: Candidate[] = [];
  specs.forEach((spec, i) => {
    const outcomes = obs.outcomes[i];
    // How many runs (or explored schedules) gave each answer.
    const weight = (k: number) => obs.weights?.[k] ?? 1;
    const agreeing = (o: string) => obs.runs.reduce((n, r, k) => n + (r.answers[i] === o ? weight(k) : 0), 0);
    const total = obs.runs.reduce((n, _r, k) => n + weight(k), 0);
    if (outcomes.includes(":ambiguous")) return;
    if (spec.family === "final_state" && outcomes.includes(":dead")) return;
    if (outcomes.length === 1 && !racy) {
      out.push({ spec, answer: outcomes[0], deterministic: true, outcomes, runsAgreed: total });
    } else if (askOutcomes) {
      const most = Math.max(...outcomes.map(agreeing));
      out.push({ spec, answer: `[${outcomes.join(", ")}]`, deterministic: false, outcomes, runsAgreed: most });
    }
  });
  return out;
}

export interface RecordContext {
  world: World;
  obs: WorldObservation;
  specs: readonly QuestionSpec[];
  seed: string;
  worldIndex: number;
  worldSeed: number;
  runSeeds: number[];
  worldHash: string;
  structureHash: string;
  split: TraceExample["split"];
  versions: { elixir: string; otp: string };
}

export function exampleId(worldHash: string, spec: QuestionSpec): string {
  return `tr-${sha256(`${worldHash}|${specKey(spec)}`).slice(0, 16)}`;
}

export function buildRecord(ctx: RecordContext, c: Candidate): TraceExample {
  const { world, obs } = ctx;
  const spec = c.spec;
  const events = obs.runs[0].events;
  const callResults = new Map<number, string>();
  ctx.specs.forEach((s, i) => {
    if (s.family === "call_result") {
      const o = obs.outcomes[i];
      callResults.set(s.step, o.length === 1 ? o[0] : `one of ${o.join(", ")} (it varied between runs)`);
    }
  });
  const id = exampleId(ctx.worldHash, spec);
  const trace = spec.family === "next_handled" ? renderEventTrace(world, { afterStep: spec.afterStep, events }) : renderEventTrace(world);
  const record: TraceExample = {
    schemaVersion: TRACE_RECORD_SCHEMA_VERSION,
    id,
    split: ctx.split,
    family: spec.family,
    difficulty: world.difficulty,
    process_code: renderProcessCode(world),
    event_trace: trace,
    question: c.deterministic ? questionText(world, spec) : outcomesQuestionText(world, spec),
    answer: c.answer,
    answer_kind: c.deterministic ? answerKind(spec.family) : "outcome_set",
    deterministic: c.deterministic,
    reasoning: renderReasoning({ world, spec, events, answer: c.answer, callResults, outcomes: c.deterministic ? undefined : c.outcomes }),
    replay: renderReplay(world, spec, {
      seeds: c.deterministic ? ctx.runSeeds.slice(0, 1) : ctx.runSeeds,
      outcomes: !c.deterministic,
      header: [
        `otpforge trace example ${id} (${spec.family}), generator ${TRACE_GENERATOR_VERSION}, world ${ctx.worldHash.slice(0, 12)}`,
        `Observed answer (expected last line): ${c.answer}`,
      ],
    }),
    question_spec: spec,
    provenance: {
      generator: "otpforge/traces",
      generatorVersion: TRACE_GENERATOR_VERSION,
      worldSchemaVersion: WORLD_SCHEMA_VERSION,
      seed: ctx.seed,
      worldIndex: ctx.worldIndex,
      worldSeed: ctx.worldSeed,
      worldHash: ctx.worldHash,
      structureHash: ctx.structureHash,
      elixir: ctx.versions.elixir,
      otp: ctx.versions.otp,
      runs: obs.runs.reduce((n, _r, k) => n + (obs.weights?.[k] ?? 1), 0),
      runsAgreed: c.runsAgreed,
      ...(obs.exploration ? { explored: obs.exploration } : {}),
    },
  };
  return traceExampleSchema.parse(record);
}
