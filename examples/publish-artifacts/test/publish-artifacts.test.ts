// Runs the example end to end against the fake OpenAI server: two versions
// published, the refusal of other content under 1.0.0, and the program loaded
// as strategy-advisor@latest answering over real HTTP with 1.0.1's prompt.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FakeProviderServer, chatReply, type FakeRequest } from "@otpforge/core/testing";
import { VersionExistsError, load, readIndex } from "@otpforge/teleprompters";
import { EXAMPLES, main } from "../src/main.js";

const dir = mkdtempSync(join(tmpdir(), "otpforge-example-publish-"));
const saved = { ...process.env };
let server: FakeProviderServer;

// The fake model tells which prompt it got: with all six worked examples
// (1.0.1's prompt) it answers rest_for_one, with anything else one_for_all.
const demoPairs = (req: FakeRequest) => req.messages.filter((m) => m.role === "assistant").length;
const fakeModel = (req: FakeRequest) => chatReply({ strategy: demoPairs(req) === EXAMPLES.length ? "rest_for_one" : "one_for_all" });

beforeAll(async () => {
  server = await FakeProviderServer.start({ handler: fakeModel });
  Object.assign(process.env, {
    OTPFORGE_LM: "openai/gpt-4o-mini",
    OPENAI_API_KEY: "sk-example-dummy",
    OPENAI_BASE_URL: server.openaiBaseURL,
    OTPFORGE_CACHE_DIR: join(dir, "cache"),
  });
});

afterAll(async () => {
  process.env = saved;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("examples/publish-artifacts", () => {
  it("publishes 1.0.0 then 1.0.1, refuses to overwrite 1.0.0, loads @latest and runs it", async () => {
    const lines: string[] = [];
    const out = join(dir, "work");
    const r = await main({ out, log: (l) => lines.push(l) });

    expect(r.published.map((p) => [p.version, p.alreadyPublished])).toEqual([
      ["1.0.0", false],
      ["1.0.1", false],
    ]);
    expect(r.published[0]!.contentHash).not.toBe(r.published[1]!.contentHash);
    const index = await readIndex(r.registry);
    expect(index.artifacts["strategy-advisor"]!.latest).toBe("1.0.1");
    expect(index.artifacts["strategy-advisor"]!.versions.map((v) => v.version)).toEqual(["1.0.0", "1.0.1"]);

    // The refusal, and 1.0.0 is still what was first published there.
    expect(r.refused).toBeInstanceOf(VersionExistsError);
    expect(r.refused.version).toBe("1.0.0");
    expect(r.refused.existingHash).toBe(r.published[0]!.contentHash);
    expect(r.refused.newHash).toBe(r.published[1]!.contentHash);
    const v1 = await load("strategy-advisor@1.0.0", { dir: r.registry });
    expect(v1.artifact.contentHash).toBe(r.published[0]!.contentHash);
    expect(v1.artifact.predictors[0]!.demos).toHaveLength(4);

    // @latest is 1.0.1, and its six demos are what the model saw.
    expect(r.loaded).toEqual({ name: "strategy-advisor", version: "1.0.1", demos: EXAMPLES.length });
    expect(r.strategy).toBe("rest_for_one");
    const asked = server.requests.filter((q) => q.protocol === "openai");
    expect(asked).toHaveLength(1);
    const messages = (asked[0]!.body as { messages: Array<{ role: string; content: string }> }).messages;
    expect(messages.filter((m) => m.role === "assistant")).toHaveLength(EXAMPLES.length);
    expect(messages.at(-1)!.content).toContain("Db (a connection pool)");

    const printed = lines.join("\n");
    expect(printed).toContain("published strategy-advisor@1.0.0");
    expect(printed).toContain("published strategy-advisor@1.0.1");
    expect(printed).toContain("refused, as it should be: strategy-advisor@1.0.0 is already published with different content");
    expect(printed).toContain("loaded strategy-advisor@1.0.1 (6 demos)");
    expect(printed).toContain("strategy:    rest_for_one");

    // Running it again publishes nothing new: same content, same versions.
    const again = await main({ out, log: () => {} });
    expect(again.published.map((p) => [p.version, p.alreadyPublished])).toEqual([
      ["1.0.0", true],
      ["1.0.1", true],
    ]);
    expect((await readIndex(r.registry)).artifacts["strategy-advisor"]!.versions).toHaveLength(2);
  });
});
