import { finalizeArtifact, type ArtifactContent } from "../../src/artifact/finalize.js";
import type { CompiledProgram } from "../../src/artifact/schema.js";

/** A small, valid artifact built by hand (for file, registry and parse tests). */
export function sampleArtifact(overrides: Partial<ArtifactContent> = {}, createdAt = "2025-01-01T00:00:00.000Z"): CompiledProgram {
  const content: ArtifactContent = {
    kind: "otpforge.compiled-program",
    formatVersion: 1,
    name: "qa",
    predictors: [
      {
        name: "answer",
        signature: {
          name: "QA",
          instructions: "Answer briefly.",
          inputs: [{ name: "question", type: "string", description: "the question", jsonSchema: { type: "string" } }],
          outputs: [{ name: "answer", type: "string", description: "a short answer", jsonSchema: { type: "string" } }],
        },
        signatureHash: "abc123",
        instructions: "Answer briefly.",
        demos: [{ question: "2+2?", answer: "4" }],
      },
    ],
    lm: { id: "scripted/test" },
    optimizer: { name: "LabeledFewShot", options: { k: 1 }, seed: 0 },
    scores: { candidates: [] },
    stoppedBy: null,
    datasets: { trainset: { size: 1, hash: "h" } },
    versions: { "@otpforge/teleprompters": "0.1.0" },
    ...overrides,
  };
  return finalizeArtifact(content, { now: () => new Date(createdAt) });
}
