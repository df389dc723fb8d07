import { describe, it, expect } from "vitest";
import { BootstrapFewShot, LabeledFewShot, TooManyErrorsError } from "../src/index.js";
import { artifactContent } from "../src/internal.js";
import { SpellProgram, TwoStepProgram, exactAnswer, spellingLM, trainset, wordOf, demoQuestions } from "./helpers/qa.js";
import { ScriptedLM, chatReply, inputOf } from "@otpforge/core/testing";

const FIXED_NOW = () => new Date("2025-01-01T00:00:00Z");

describe("LabeledFewShot", () => {
  it("gives every predictor a seeded sample of k labeled demos, restricted to its fields", async () => {
    const train = trainset(10);
    const a = await new LabeledFewShot({ k: 3 }).compile(new SpellProgram(), { trainset: train, seed: 7 });
    const b = await new LabeledFewShot({ k: 3 }).compile(new SpellProgram(), { trainset: train, seed: 7 });
    const c = await new LabeledFewShot({ k: 3 }).compile(new SpellProgram(), { trainset: train, seed: 8 });
    const demos = a.program.answer.demos;
    expect(demos).toHaveLength(3);
    // The dataset's extra key (id) is not part of the signature and is left out.
    for (const d of demos) expect(Object.keys(d).sort()).toEqual(["answer", "question"]);
    expect(new Set(demos.map((d) => d.question)).size).toBe(3);
    expect(b.program.answer.demos).toEqual(demos);
    expect(c.program.answer.demos).not.toEqual(demos);
    expect(a.artifact.contentHash).toBe(b.artifact.contentHash);
    expect(a.spend.calls).toBe(0);
  });
});

describe("BootstrapFewShot", () => {
  it("selects demos exactly as DSPy does: passing traces in trainset order, then labeled fill from the rest", async () => {
    const train = trainset(10);
    const lm = spellingLM({ wrong: ["alpha", "charlie"], latency: false });
    const result = await new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 3, maxLabeledDemos: 5 }).compile(
      new SpellProgram(),
      {
        trainset: train,
        lm,
        concurrency: 1,
      },
    );
    const demos = result.program.answer.demos;
    // alpha and charlie fail the metric; bravo, delta, echo pass and are the 3 bootstrapped demos, in order.
    expect(demos.slice(0, 3)).toEqual([
      { question: "spell bravo", answer: "BRAVO" },
      { question: "spell delta", answer: "DELTA" },
      { question: "spell echo", answer: "ECHO" },
    ]);
    // Sequentially, the run stops at the third success: foxtrot and later were never tried.
    expect(lm.requests.map(wordOf)).toEqual(["alpha", "bravo", "charlie", "delta", "echo"]);
    // Two labeled demos fill up to 5, drawn from the examples that were not bootstrapped (seeded).
    const rest = demos.slice(3);
    expect(rest).toHaveLength(2);
    const notBootstrapped = train.filter((e) => !["bravo", "delta", "echo"].includes(String(e.data.answer).toLowerCase()));
    for (const d of rest) expect(notBootstrapped.map((e) => e.data.question)).toContain(d.question);
    expect(new Set(rest.map((d) => d.question)).size).toBe(2);
    expect(result.artifact.scores.bootstrap).toEqual({ attempted: 5, passed: 3 });
  });

  it("never shows the teacher the example it is bootstrapping", async () => {
    const train = trainset(6);
    const lm = spellingLM({ latency: false });
    // maxLabeledDemos 16 > trainset: the primed teacher holds every example as a demo.
    await new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 6, maxLabeledDemos: 16 }).compile(new SpellProgram(), {
      trainset: train,
      lm,
      concurrency: 1,
    });
    expect(lm.requests).toHaveLength(6);
    for (const request of lm.requests) {
      const asked = inputOf(request, "question")!;
      const shown = demoQuestions(request);
      expect(shown).toHaveLength(5);
      expect(shown).not.toContain(asked);
    }
  });

  it("retries failed examples in later rounds at temperature 1.0 with a fresh rolloutId", async () => {
    const train = trainset(4);
    const lm = spellingLM({ wrongOnlyCold: ["bravo"], latency: false });
    const result = await new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 4, maxLabeledDemos: 4, maxRounds: 3 }).compile(
      new SpellProgram(),
      {
        trainset: train,
        lm,
        concurrency: 1,
      },
    );
    const bravo = lm.requests.filter((r) => wordOf(r) === "bravo");
    expect(bravo.map((r) => [r.temperature, r.rolloutId])).toEqual([
      [undefined, undefined],
      [1.0, 1],
    ]);
    expect(result.program.answer.demos.map((d) => d.question)).toEqual(["spell alpha", "spell bravo", "spell charlie", "spell delta"]);
  });

  it("uses the metric threshold and a given teacher", async () => {
    const train = trainset(4);
    const lm = spellingLM({ latency: false });
    const partial = () => 0.5;
    const strict = await new BootstrapFewShot({
      metric: partial,
      metricThreshold: 0.8,
      maxBootstrappedDemos: 2,
      maxLabeledDemos: 0,
    }).compile(new SpellProgram(), { trainset: train, lm, concurrency: 1 });
    expect(strict.program.answer.demos).toEqual([]);
    const lenient = await new BootstrapFewShot({ metric: partial, maxBootstrappedDemos: 2, maxLabeledDemos: 0 }).compile(
      new SpellProgram(),
      { trainset: train, lm, concurrency: 1 },
    );
    expect(lenient.program.answer.demos).toHaveLength(2);

    // A teacher with its own LM: its answers become the demos.
    const teacher = new SpellProgram();
    teacher.answer.lm = new ScriptedLM(chatReply({ answer: "FROM TEACHER" }));
    const taught = await new BootstrapFewShot({ metric: () => true, maxBootstrappedDemos: 1, maxLabeledDemos: 1 }).compile(
      new SpellProgram(),
      { trainset: train, lm, teacher, concurrency: 1 },
    );
    expect(taught.program.answer.demos).toEqual([{ question: "spell alpha", answer: "FROM TEACHER" }]);
    // The compiled student keeps no teacher LM and no run-time wrappers.
    expect(taught.program.answer.lm).toBeUndefined();
  });

  it("turns each predictor's trace step into its own demo in a multi-step program", async () => {
    const lm = new ScriptedLM((request) => {
      const q = inputOf(request, "question");
      if (q !== undefined) return chatReply({ reasoning: "it is named", word: q.replace("spell ", "") });
      return chatReply({ answer: inputOf(request, "word")!.toUpperCase() });
    });
    const result = await new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 2, maxLabeledDemos: 2 }).compile(
      new TwoStepProgram(),
      {
        trainset: trainset(3),
        lm,
        concurrency: 1,
      },
    );
    expect(result.program.find.demos).toEqual([
      { question: "spell alpha", reasoning: "it is named", word: "alpha" },
      { question: "spell bravo", reasoning: "it is named", word: "bravo" },
    ]);
    expect(result.program.spell.demos).toEqual([
      { word: "alpha", answer: "ALPHA" },
      { word: "bravo", answer: "BRAVO" },
    ]);
    expect(result.artifact.predictors.map((p) => p.name)).toEqual(["find", "spell"]);
  });

  it("tunes a bare Predict as a one-predictor program", async () => {
    const { Predict } = await import("@otpforge/core");
    const { QA } = await import("./helpers/qa.js");
    const result = await new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 2, maxLabeledDemos: 2 }).compile(
      new Predict(QA),
      {
        trainset: trainset(3),
        lm: spellingLM({ latency: false }),
        concurrency: 1,
      },
    );
    expect(result.artifact.predictors.map((p) => [p.name, p.demos.length])).toEqual([["self", 2]]);
  });

  it("gives the same artifact at concurrency 1 and 16", async () => {
    const train = trainset(16);
    const opts = { metric: exactAnswer, maxBootstrappedDemos: 4, maxLabeledDemos: 8, maxRounds: 2 };
    const wrong = ["alpha", "delta", "echo", "hotel"];
    const runs = [];
    for (const concurrency of [1, 16]) {
      const lm = spellingLM({ wrong, wrongOnlyCold: ["bravo"] });
      runs.push({
        lm,
        result: await new BootstrapFewShot(opts).compile(new SpellProgram(), {
          trainset: train,
          valset: trainset(4, 12),
          lm,
          concurrency,
          seed: 3,
          now: FIXED_NOW,
        }),
      });
    }
    const [one, sixteen] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(sixteen.result.artifact).toEqual(one.result.artifact);
    expect(artifactContent(sixteen.result.artifact)).toEqual(artifactContent(one.result.artifact));
    expect(one.result.program.answer.demos.slice(0, 4).map((d) => d.question)).toEqual([
      "spell bravo",
      "spell charlie",
      "spell foxtrot",
      "spell golf",
    ]);
    // Concurrency did run ahead (more teacher calls), yet the decision is the sequential one.
    // (All 16 examples start before any finishes, so this holds whatever the timing.)
    expect(sixteen.lm.calls).toBeGreaterThan(one.lm.calls);
    expect(one.result.artifact.scores).toEqual({ val: 100, bootstrap: { attempted: 7, passed: 4 }, candidates: [] });
  });

  it("stops at the maxErrors-th failed run (DSPy's rule), counted in trainset order", async () => {
    const lm = new ScriptedLM(() => "not in the chat format at all");
    const err = await new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 4 })
      .compile(new SpellProgram(), { trainset: trainset(8), lm, maxErrors: 2, concurrency: 4 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TooManyErrorsError);
    expect((err as Error).message).toMatch(/^2 program runs failed \(maxErrors 2\); first error: AdapterParseError/);
    // One failure under a limit of 2 is tolerated.
    const once = new ScriptedLM((r) => (wordOf(r) === "alpha" ? "not in the chat format" : chatReply({ answer: wordOf(r).toUpperCase() })));
    const ok = await new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 2 }).compile(new SpellProgram(), {
      trainset: trainset(4),
      lm: once,
      maxErrors: 2,
      concurrency: 1,
    });
    expect(ok.program.answer.demos.slice(0, 2).map((d) => d.question)).toEqual(["spell bravo", "spell charlie"]);
  });

  it("runs an LM-judge metric at round 0's settings, not at a later round's sampling temperature", async () => {
    const { Predict, signature } = await import("@otpforge/core");
    const { z } = await import("zod");
    const Judge = signature({ name: "Judge", inputs: { candidate: z.string() }, outputs: { ok: z.boolean() } });
    const judgeTemperatures: Array<number | undefined> = [];
    // Charlie is spelled right only when sampled hot (round 1); the judge accepts a right spelling.
    const lm = new ScriptedLM((r) => {
      const answer = inputOf(r, "candidate");
      if (answer !== undefined) {
        judgeTemperatures.push(r.temperature);
        return chatReply({ ok: answer !== "WRONG" });
      }
      const word = wordOf(r);
      return chatReply({ answer: word === "charlie" && r.temperature !== 1.0 ? "WRONG" : word.toUpperCase() });
    });
    const judged = async (_ex: unknown, prediction: unknown) =>
      Boolean((await new Predict(Judge).forward({ candidate: (prediction as { outputs: { answer: string } }).outputs.answer })).outputs.ok);
    const result = await new BootstrapFewShot({ metric: judged, maxBootstrappedDemos: 3, maxLabeledDemos: 0, maxRounds: 2 }).compile(
      new SpellProgram(),
      {
        trainset: trainset(3, 1),
        lm,
        concurrency: 1,
      },
    );
    // Charlie passed in round 1, judged like the others.
    expect(result.program.answer.demos.map((d) => d.question)).toEqual(["spell bravo", "spell charlie", "spell delta"]);
    expect(judgeTemperatures).toHaveLength(4);
    expect(judgeTemperatures.every((t) => t === undefined)).toBe(true);
  });

  it("refuses bad options and inputs with a message that says what to do", async () => {
    expect(() => new BootstrapFewShot({ metric: exactAnswer, maxRounds: 0 })).toThrow(/maxRounds must be an integer >= 1/);
    const lm = spellingLM();
    await expect(new BootstrapFewShot({ metric: exactAnswer }).compile(new SpellProgram(), { trainset: [], lm })).rejects.toThrow(
      /trainset is empty/,
    );
    const { example } = await import("@otpforge/core");
    await expect(
      new BootstrapFewShot({ metric: exactAnswer }).compile(new SpellProgram(), {
        trainset: [example({ question: "x", answer: "y" })],
        lm,
      }),
    ).rejects.toThrow(/call \.withInputs/);
  });
});
