import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lm } from "@otpforge/core";
import { FakeProviderServer, type FakeRequest } from "@otpforge/core/testing";
import { BootstrapFewShot } from "../src/index.js";
import { artifactContent } from "../src/internal.js";
import { SpellProgram, exactAnswer, trainset } from "./helpers/qa.js";

// The optimizer over real HTTP: the openai SDK client talking to the fake server.

/** Spells the word of the last user message; gets "charlie" and "golf" wrong. */
function spell(req: FakeRequest): string {
  const last = req.messages.at(-1)!.content;
  const word = /spell (\w+)/.exec(last)?.[1] ?? "";
  const answer = ["charlie", "golf"].includes(word) ? "WRONG" : word.toUpperCase();
  return `[[ ## answer ## ]]\n${answer}\n\n[[ ## completed ## ]]`;
}

let server: FakeProviderServer;
beforeAll(async () => {
  server = await FakeProviderServer.start({ handler: spell, latencyMs: 5 });
});
afterAll(async () => {
  await server.close();
});

const client = (cacheDir: string) => lm("openai/gpt-4o-mini", { baseURL: server.openaiBaseURL, apiKey: "sk-test-not-a-secret", cacheDir });
const optimizer = () => new BootstrapFewShot({ metric: exactAnswer, maxBootstrappedDemos: 4, maxLabeledDemos: 6, maxRounds: 2 });
const NOW = () => new Date("2025-01-01T00:00:00Z");

describe("BootstrapFewShot against the fake OpenAI server", () => {
  it("gives the same artifact at concurrency 1 and 16", async () => {
    const data = { trainset: trainset(12), valset: trainset(4, 12), seed: 2, now: NOW };
    const one = await optimizer().compile(new SpellProgram(), {
      ...data,
      lm: client(await mkdtemp(join(tmpdir(), "otpforge-cache-"))),
      concurrency: 1,
    });
    const sixteen = await optimizer().compile(new SpellProgram(), {
      ...data,
      lm: client(await mkdtemp(join(tmpdir(), "otpforge-cache-"))),
      concurrency: 16,
    });
    expect(sixteen.artifact).toEqual(one.artifact);
    expect(one.program.answer.demos.slice(0, 4).map((d) => d.question)).toEqual([
      "spell alpha",
      "spell bravo",
      "spell delta",
      "spell echo",
    ]);
  });

  it("makes no LM request on a second compile with a warm cache", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "otpforge-cache-"));
    const data = { trainset: trainset(10), valset: trainset(4, 12), seed: 4, concurrency: 8 };
    server.reset();
    const cold = await optimizer().compile(new SpellProgram(), { ...data, lm: client(cacheDir) });
    const sent = server.requests.length;
    expect(sent).toBeGreaterThan(0);
    expect(cold.spend.calls).toBe(sent);

    const warm = await optimizer().compile(new SpellProgram(), { ...data, lm: client(cacheDir) });
    expect(server.requests.length).toBe(sent);
    expect(warm.spend.calls).toBe(0);
    expect(warm.spend.cacheHits).toBeGreaterThan(0);
    expect(artifactContent(warm.artifact)).toEqual(artifactContent(cold.artifact));
    // The key never reaches the artifact; the model id and adapter do.
    expect(JSON.stringify(cold.artifact)).not.toContain("sk-test");
    expect(cold.artifact.lm).toEqual({ id: "openai/gpt-4o-mini", adapter: "ChatAdapter" });
  });
});
