import { describe, it, expect } from "vitest";
import type { LMRequest } from "@otpforge/core";
import { ScriptedLM, chatReply, inputOf } from "@otpforge/core/testing";
import { BootstrapFewShotWithRandomSearch, InstructionProposal } from "../src/index.js";
import { summarizeDataset } from "../src/internal.js";
import { SpellProgram, exactAnswer, trainset, wordOf } from "./helpers/qa.js";

const demosIn = (r: LMRequest) => r.messages.filter((m) => m.role === "user").length - 1;
const VAL_WORDS = ["mike", "november", "oscar", "papa"];

/** Right on trainset words always; on valset words only with at least 3 demos in the prompt. */
function demoHungryLM() {
  return new ScriptedLM((r) => {
    const word = wordOf(r);
    const right = !VAL_WORDS.includes(word) || demosIn(r) >= 3;
    return chatReply({ answer: right ? word.toUpperCase() : "WRONG" });
  });
}

describe("BootstrapFewShotWithRandomSearch", () => {
  const options = { metric: exactAnswer, maxBootstrappedDemos: 4, maxLabeledDemos: 2, numCandidates: 4 };
  const data = () => ({ trainset: trainset(8), valset: trainset(4, 12), seed: 1 });

  it("scores zero-shot, labeled, unshuffled bootstrap, then seeded shuffles, and keeps the first best", async () => {
    const lm = demoHungryLM();
    const result = await new BootstrapFewShotWithRandomSearch(options).compile(new SpellProgram(), { ...data(), lm });
    const byId = Object.fromEntries(result.leaderboard.map((c) => [c.id, c]));
    expect(Object.keys(byId).sort()).toEqual(["bootstrap", "labeled", "shuffle-0", "shuffle-1", "shuffle-2", "shuffle-3", "zero-shot"]);
    expect(byId["zero-shot"]).toMatchObject({ score: 0, demos: { answer: 0 } });
    expect(byId["labeled"]).toMatchObject({ score: 0, demos: { answer: 2 } });
    // The unshuffled bootstrap gathers 4 traces (more than maxLabeledDemos, so no labeled fill).
    expect(byId["bootstrap"]).toMatchObject({ score: 100, demos: { answer: 4 } });
    // Shuffled candidates draw 1..4 demos: 3 or more score 100, fewer score 0.
    for (const id of ["shuffle-0", "shuffle-1", "shuffle-2", "shuffle-3"]) {
      expect(byId[id]!.score).toBe(byId[id]!.demos.answer! >= 3 ? 100 : 0);
    }
    // Leaderboard: best first, ties in the order found; the program is the first best.
    const scores = result.leaderboard.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(result.leaderboard[0]!.id).toBe("bootstrap");
    expect(result.program.answer.demos).toHaveLength(4);
    expect(result.artifact.scores.val).toBe(100);
    expect(result.artifact.scores.candidates).toEqual(result.leaderboard);

    const again = await new BootstrapFewShotWithRandomSearch(options).compile(new SpellProgram(), { ...data(), lm: demoHungryLM() });
    expect(again.artifact.contentHash).toBe(result.artifact.contentHash);
  });

  it("without a valset scores candidates on the trainset and reports that as the train score", async () => {
    const result = await new BootstrapFewShotWithRandomSearch({ ...options, numCandidates: 0 }).compile(new SpellProgram(), {
      trainset: trainset(8),
      lm: demoHungryLM(),
    });
    expect(result.artifact.scores.val).toBeUndefined();
    expect(result.artifact.scores.train).toBe(100);
    expect(result.leaderboard.map((c) => c.id)).toEqual(["zero-shot", "labeled", "bootstrap"]);
  });

  it("stops at stopAtScore", async () => {
    const result = await new BootstrapFewShotWithRandomSearch({ ...options, stopAtScore: 100 }).compile(new SpellProgram(), {
      ...data(),
      lm: demoHungryLM(),
    });
    expect(result.leaderboard.map((c) => c.id)).toEqual(["bootstrap", "zero-shot", "labeled"]);
  });
});

/** Proposals by slot; the task LM is right only when the instructions say UPPERCASE. */
function proposerLM() {
  const proposals = ["Answer with the word.", "Return the word in UPPERCASE letters.", "Answer with the word."];
  return new ScriptedLM(
    (r) => {
      const slot = Number(String(r.rolloutId).split(":").pop());
      return chatReply({ proposed_instruction: proposals[slot]! });
    },
    { id: "scripted/proposer" },
  );
}
const instructionSensitiveLM = () =>
  new ScriptedLM((r) => {
    const word = wordOf(r);
    return chatReply({ answer: r.messages[0]!.content.includes("UPPERCASE") ? word.toUpperCase() : word });
  });

describe("InstructionProposal", () => {
  it("proposes variants with an LM, scores each on the valset and keeps the best", async () => {
    const proposer = proposerLM();
    const result = await new InstructionProposal({ metric: exactAnswer, breadth: 4, proposerLM: proposer }).compile(new SpellProgram(), {
      trainset: trainset(6),
      valset: trainset(4, 12),
      lm: instructionSensitiveLM(),
    });
    expect(result.program.answer.instructions).toBe("Return the word in UPPERCASE letters.");
    // The duplicate third proposal is scored once.
    expect(result.leaderboard).toEqual([
      { id: "instruction:answer:0:1", score: 100, demos: { answer: 0 }, instructions: { answer: "Return the word in UPPERCASE letters." } },
      { id: "current", score: 0, demos: { answer: 0 } },
      { id: "instruction:answer:0:0", score: 0, demos: { answer: 0 }, instructions: { answer: "Answer with the word." } },
    ]);
    expect(result.artifact.scores.val).toBe(100);
    expect(result.artifact.predictors[0]!.instructions).toBe("Return the word in UPPERCASE letters.");
    // The proposer saw the signature, the current instruction, the data summary and the attempts so far.
    const asked = proposer.requests[0]!;
    expect(inputOf(asked, "current_instruction")).toBe("Spell the word in capitals.");
    expect(inputOf(asked, "task_fields")).toContain("- answer (string): the word in capitals");
    expect(inputOf(asked, "dataset_summary")).toContain("6 examples. Input keys: question. Label keys: answer, id.");
    expect(inputOf(asked, "previous_attempts")).toBe("score 0.0: Spell the word in capitals.");
    expect(proposer.requests.map((r) => r.temperature)).toEqual([1, 1, 1]);
  });

  it("runs after the demo search when random search is asked to tune instructions too", async () => {
    const result = await new BootstrapFewShotWithRandomSearch({
      metric: exactAnswer,
      maxBootstrappedDemos: 2,
      maxLabeledDemos: 2,
      numCandidates: 1,
      instructions: { breadth: 3, proposerLM: proposerLM() },
    }).compile(new SpellProgram(), { trainset: trainset(6), valset: trainset(4, 12), lm: instructionSensitiveLM() });
    expect(result.leaderboard[0]!.id).toBe("instruction:answer:0:1");
    expect(result.program.answer.instructions).toBe("Return the word in UPPERCASE letters.");
    // Every demo candidate scored 0 before tuning, so the first of them (zero-shot) was tuned.
    expect(result.leaderboard.slice(1).every((c) => c.score === 0)).toBe(true);
    expect(result.leaderboard.map((c) => c.id)).toContain("shuffle-0");
    expect(result.program.answer.demos).toEqual([]);
  });

  it("summarises a dataset without an LM, the same way every time", () => {
    expect(summarizeDataset(trainset(6), 3)).toBe(summarizeDataset(trainset(6), 3));
    expect(summarizeDataset(trainset(6), 3).split("\n")).toHaveLength(5);
  });
});
