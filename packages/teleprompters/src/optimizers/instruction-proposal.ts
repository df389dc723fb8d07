import { z } from "zod";
import { Predict, rng, signature, type Example, type LM, type Metric, type Module } from "@otpforge/core";
import type { CandidateScore } from "../artifact/schema.js";
import type { RunContext } from "../run/run-context.js";
import { demoCounts } from "./demos.js";
import { CompileInputError, Teleprompter, type OptimizeOutcome, type RunData } from "./teleprompter.js";

export interface InstructionSearchOptions {
  /** Instructions scored per predictor and round: the current one plus breadth-1 proposals. Default 4. */
  breadth?: number;
  /** Proposal rounds per predictor; later rounds see the earlier attempts and their scores. Default 1. */
  depth?: number;
  /** Sampling temperature of the proposer. Default 1.0. */
  temperature?: number;
  /** The model that writes instructions; default: the run's LM. */
  proposerLM?: LM;
}

/** The proposer's own signature: what it sees and what it writes. */
export const ProposeInstruction = signature({
  name: "ProposeInstruction",
  instructions:
    "You improve the instructions of one step of a language-model program. You see the step's input and output " +
    "fields, its current instructions, a summary of its training data, some of its demonstrations, and earlier " +
    "instructions with their validation scores (0-100, higher is better). Write one new instruction that should " +
    "score higher. Be concrete about the task and the expected form of each output; do not copy the examples.",
  inputs: {
    task_fields: z.string().describe("the step's input and output fields with their types and descriptions"),
    current_instruction: z.string().describe("the instruction the step uses now"),
    dataset_summary: z.string().describe("size, fields and a few examples of the training data"),
    demonstrations: z.string().describe("demonstrations currently in the step's prompt, as JSON lines"),
    previous_attempts: z.string().describe("instructions tried so far with their scores, lowest first"),
  },
  outputs: {
    proposed_instruction: z.string().describe("the new instruction, as plain text"),
  },
});

export interface InstructionSearchResult<P extends Module> {
  program: P;
  score: number;
  candidates: CandidateScore[];
}

/**
 * COPRO-like coordinate search: for each predictor in turn, an LM proposes
 * instruction variants (from the signature, a trainset summary, the current
 * demos and the attempts so far); each variant is scored on the valset with
 * the other predictors as they are; the best is kept before the next
 * predictor. A variant must beat the current score strictly to replace it.
 */
export async function proposeInstructions<P extends Module>(
  program: P,
  baseScore: number,
  trainset: readonly Example[],
  valset: readonly Example[],
  metric: Metric,
  options: InstructionSearchOptions,
  ctx: RunContext,
  seed: number,
): Promise<InstructionSearchResult<P>> {
  const breadth = options.breadth ?? 4;
  const depth = options.depth ?? 1;
  if (!Number.isInteger(breadth) || breadth < 2) throw new CompileInputError(`instruction breadth must be an integer >= 2, got ${breadth}`);
  if (!Number.isInteger(depth) || depth < 1) throw new CompileInputError(`instruction depth must be an integer >= 1, got ${depth}`);
  const current = program.clone();
  let score = baseScore;
  const candidates: CandidateScore[] = [];
  const summary = summarizeDataset(trainset, seed);

  for (const [name] of program.namedPredictors()) {
    const predictor = () => current.namedPredictors().find(([n]) => n === name)![1];
    const attempts = [{ instruction: predictor().instructions, score }];
    let best = attempts[0]!;
    for (let round = 0; round < depth; round++) {
      const proposals = await propose(name, predictor(), summary, attempts, round, breadth - 1, options, ctx);
      if (proposals === null) return { program: applied(current, name, best.instruction), score: best.score, candidates };
      for (const [j, instruction] of proposals) {
        const id = `instruction:${name}:${round}:${j}`;
        const candidate = applied(current, name, instruction);
        let value = ctx.checkpoint.get<number>("candidates", id);
        if (value === undefined) {
          const result = await ctx.evaluate(candidate, valset, metric, id);
          if (!result) return { program: applied(current, name, best.instruction), score: best.score, candidates };
          value = result.score;
          await ctx.checkpoint.put("candidates", id, value);
        }
        candidates.push({ id, score: value, demos: demoCounts(candidate), instructions: { [name]: instruction } });
        attempts.push({ instruction, score: value });
        if (value > best.score) best = { instruction, score: value };
      }
    }
    predictor().instructions = best.instruction;
    score = best.score;
  }
  return { program: current, score, candidates };
}

/** A copy of `program` with one predictor's instructions replaced. */
function applied<P extends Module>(program: P, name: string, instruction: string): P {
  const copy = program.clone();
  copy.namedPredictors().find(([n]) => n === name)![1].instructions = instruction;
  return copy;
}

type AnyPredictor = ReturnType<Module["namedPredictors"]>[number][1];

/**
 * `count` new instructions, numbered by proposal slot (duplicates of earlier
 * attempts and empty answers are dropped). Each slot is its own request with
 * a fixed rolloutId, so reruns hit the cache and checkpoints stay valid.
 * Returns null when a budget stopped the proposer.
 */
async function propose(
  name: string,
  target: AnyPredictor,
  summary: string,
  attempts: Array<{ instruction: string; score: number }>,
  round: number,
  count: number,
  options: InstructionSearchOptions,
  ctx: RunContext,
): Promise<Array<[number, string]> | null> {
  const proposer = new Predict(ProposeInstruction, options.proposerLM ? { lm: options.proposerLM } : {});
  const inputs = {
    task_fields: describeFields(target),
    current_instruction: target.instructions,
    dataset_summary: summary,
    demonstrations:
      target.demos
        .slice(0, 4)
        .map((d) => clip(JSON.stringify(d), 600))
        .join("\n") || "(none)",
    previous_attempts: [...attempts]
      .sort((a, b) => a.score - b.score)
      .map((a) => `score ${a.score.toFixed(1)}: ${a.instruction}`)
      .join("\n"),
  };
  const slots = Array.from({ length: count }, (_, j) => j);
  const propose = async (j: number): Promise<string | null> => {
    const key = `${name}:${round}:${j}`;
    const stored = ctx.checkpoint.get<string>("proposals", key);
    if (stored !== undefined) return stored;
    if (ctx.budgetStopped()) return null;
    try {
      const prediction = await ctx.run(proposer, (p) =>
        p.forward(inputs, { temperature: options.temperature ?? 1.0, rolloutId: `propose:${key}` }),
      );
      const text = cleanInstruction(String(prediction.outputs.proposed_instruction ?? ""));
      await ctx.checkpoint.put("proposals", key, text);
      return text;
    } catch (err) {
      if (ctx.budgetStopped()) return null;
      throw err;
    }
  };
  // Every proposal is needed, as every example of an evaluation: run them as one (see RunContext.evaluateConcurrency).
  const texts: Array<string | null> = [];
  if (ctx.evaluateConcurrency === 1) for (const j of slots) texts.push(await propose(j));
  else texts.push(...(await Promise.all(slots.map(propose))));
  if (texts.some((t) => t === null)) return null;
  ctx.report({ phase: "propose", candidate: name, done: round + 1, total: options.depth ?? 1 });
  const seen = new Set(attempts.map((a) => a.instruction));
  const out: Array<[number, string]> = [];
  texts.forEach((t, j) => {
    if (t && !seen.has(t)) {
      seen.add(t);
      out.push([j, t]);
    }
  });
  return out;
}

function cleanInstruction(text: string): string {
  return text
    .trim()
    .replace(/^["'`]+|["'`]+$/g, "")
    .trim();
}

function describeFields(p: AnyPredictor): string {
  const line = (f: AnyPredictor["signature"]["inputFields"][number]) =>
    `- ${f.name} (${f.typeLabel})${f.description ? `: ${f.description}` : ""}`;
  return ["Inputs:", ...p.signature.inputFields.map(line), "Outputs:", ...p.signature.outputFields.map(line)].join("\n");
}

/** A deterministic, LM-free summary of the trainset: size, fields, three seeded examples. */
export function summarizeDataset(trainset: readonly Example[], seed: number): string {
  const keys = [...new Set(trainset.flatMap((e) => Object.keys(e.data)))];
  const inputs = [...new Set(trainset.flatMap((e) => e.inputKeys ?? []))];
  const sample = rng(seed).fork("dataset-summary").sample(trainset, 3);
  return [
    `${trainset.length} examples. Input keys: ${inputs.join(", ") || "none"}. Label keys: ${keys.filter((k) => !inputs.includes(k)).join(", ") || "none"}.`,
    "Examples:",
    ...sample.map((e) => clip(JSON.stringify(e.data), 600)),
  ].join("\n");
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** The instruction-search options as recorded in artifacts and run keys (the proposer by its id). */
export function describeInstructionSearch(o: InstructionSearchOptions) {
  return { breadth: o.breadth ?? 4, depth: o.depth ?? 1, temperature: o.temperature ?? 1.0, proposerLM: o.proposerLM?.id ?? null };
}

/** Instruction proposal on its own: keeps the program's demos and tunes its instructions on the valset. */
export class InstructionProposal extends Teleprompter {
  readonly name = "InstructionProposal";

  constructor(private readonly options: InstructionSearchOptions & { metric: Metric }) {
    super(options.metric);
    if (typeof options.metric !== "function") throw new CompileInputError("InstructionProposal needs a metric");
  }

  describeOptions() {
    return describeInstructionSearch(this.options);
  }

  protected async optimize<P extends Module>(student: P, data: RunData, ctx: RunContext): Promise<OptimizeOutcome<P>> {
    const valset = data.valset ?? data.trainset;
    let base = ctx.checkpoint.get<number>("candidates", "current");
    if (base === undefined) {
      const result = await ctx.evaluate(student, valset, this.options.metric, "current");
      if (!result) return { program: student.clone(), candidates: [] };
      base = result.score;
      await ctx.checkpoint.put("candidates", "current", base);
    }
    const tuned = await proposeInstructions(student, base, data.trainset, valset, this.options.metric, this.options, ctx, data.seed);
    return {
      program: tuned.program,
      ...(data.valset ? { valScore: tuned.score } : { trainScore: tuned.score }),
      candidates: [{ id: "current", score: base, demos: demoCounts(student) }, ...tuned.candidates],
    };
  }
}
