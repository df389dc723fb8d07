// Publish compiled programs to a registry and use them by name: compile a
// small program twice (the second time with more examples), publish both
// (1.0.0, then 1.0.1), load `strategy-advisor@latest` into a fresh program and
// run it. Published versions are immutable: other content under an existing
// version is refused.
//
//   OTPFORGE_LM=openai/gpt-5-mini pnpm --filter @otpforge/example-publish-artifacts start
import { realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import { LMConfigError, Module, noModelMessage, Predict, example, lm as makeLM, signature, withSettings, type LM } from "@otpforge/core";
import {
  LabeledFewShot,
  VersionExistsError,
  load,
  loadCompiled,
  publish,
  readIndex,
  renderPrompts,
  writeArtifactDir,
  type PublishResult,
} from "@otpforge/teleprompters";

const STRATEGIES = ["one_for_one", "one_for_all", "rest_for_one"] as const;
type Strategy = (typeof STRATEGIES)[number];

const ChooseStrategy = signature({
  name: "ChooseStrategy",
  instructions:
    "Pick the restart strategy of an Elixir Supervisor. one_for_one restarts only the crashed child; one_for_all restarts every child; " +
    "rest_for_one restarts the crashed child and the children started after it.",
  inputs: {
    children: z.string().describe("the supervised children, in start order, with what each one does"),
    requirement: z.string().describe("what must happen to the other children when one crashes"),
  },
  outputs: { strategy: z.enum(STRATEGIES).describe("the Supervisor strategy that meets the requirement") },
});

export class StrategyAdvisor extends Module {
  choose = new Predict(ChooseStrategy);

  forward(input: { children: string; requirement: string }) {
    return this.choose.forward(input);
  }
}

const ex = (children: string, requirement: string, strategy: Strategy) =>
  example({ children, requirement, strategy }).withInputs("children", "requirement");

/** Worked examples; the second compile also gets the last two. */
export const EXAMPLES = [
  ex("Cache, Mailer, Metrics: independent services", "a crash of one must not disturb the others", "one_for_one"),
  ex(
    "Registry, then Workers that register themselves in it",
    "if the Registry dies the Workers must re-register; a Worker crash must leave the Registry alone",
    "rest_for_one",
  ),
  ex(
    "Producer and Consumer that share a sequence number",
    "if either crashes, both must start again from a clean, common state",
    "one_for_all",
  ),
  ex(
    "Repo, then Cache warmed from Repo, then Web reading Cache",
    "a Repo restart must refill Cache and restart Web; a Web crash restarts only Web",
    "rest_for_one",
  ),
  ex("one Session process per logged-in user", "a crashed session must not log out the other users", "one_for_one"),
  ex(
    "Leader and Follower that keep each other's pids",
    "a crash of either must restart both, since the saved pids are stale",
    "one_for_all",
  ),
];

export interface PublishExampleOptions {
  /** provider/model, e.g. "openai/gpt-5-mini"; default: the OTPFORGE_LM variable. */
  lm?: string;
  /** Working folder: builds go to DIR/build, the registry to DIR/registry (default out/publish-artifacts). */
  out?: string;
  /** The question for the loaded program. */
  children?: string;
  requirement?: string;
  log?: (line: string) => void;
}

export interface PublishExampleResult {
  registry: string;
  published: PublishResult[];
  /** The refusal to put other content under an existing version. */
  refused: VersionExistsError;
  loaded: { name: string; version: string; demos: number };
  strategy: Strategy;
}

/** Thrown when no model is given: the CLI prints its message and exits 2. */
export class NoModelError extends Error {
  constructor() {
    // The same message as everywhere else in otpforge (noModelMessage in @otpforge/core).
    super(noModelMessage());
    this.name = "NoModelError";
  }
}

export async function main(options: PublishExampleOptions = {}): Promise<PublishExampleResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const spec = options.lm ?? process.env.OTPFORGE_LM;
  if (!spec) throw new NoModelError();
  const model: LM = makeLM(spec);
  const out = resolve(options.out ?? "out/publish-artifacts");
  const registry = join(out, "registry");

  // 1. Compile twice. LabeledFewShot puts labelled examples in the prompt and
  // calls no model; any optimizer's artifact is published the same way.
  const builds: string[] = [];
  for (const [i, trainset] of [EXAMPLES.slice(0, 4), EXAMPLES].entries()) {
    const { program, artifact } = await new LabeledFewShot({ k: trainset.length }).compile(new StrategyAdvisor(), {
      trainset,
      lm: model,
      name: "strategy-advisor",
    });
    const dir = join(out, "build", `v${i + 1}`);
    await writeArtifactDir(dir, artifact, renderPrompts(program));
    builds.push(dir);
  }

  // 2. Publish both. Without a version, new content gets the latest patch + 1
  // (the first gets 1.0.0), and content already published keeps its version,
  // so running this example again changes nothing.
  const published: PublishResult[] = [];
  for (const dir of builds) {
    const p = await publish(dir, { to: registry });
    published.push(p);
    log(
      `${p.alreadyPublished ? "already published" : "published"} ${p.name}@${p.version} (content ${p.contentHash.slice(0, 12)}) in ${p.path}`,
    );
  }
  const index = await readIndex(registry);
  log(
    `registry ${registry}: strategy-advisor versions ${index.artifacts["strategy-advisor"]!.versions.map((v) => v.version).join(", ")}, latest ${index.artifacts["strategy-advisor"]!.latest}`,
  );

  // 3. Versions are immutable: the second build under 1.0.0 is refused.
  let refused: VersionExistsError | undefined;
  try {
    await publish(builds[1]!, { to: registry, version: "1.0.0" });
  } catch (err) {
    if (!(err instanceof VersionExistsError)) throw err;
    refused = err;
    log(`refused, as it should be: ${err.message}`);
  }
  if (!refused) throw new Error("publishing other content under 1.0.0 was not refused");

  // 4. Load by name, anywhere: `load` verifies the content hash; `loadCompiled`
  // checks every signature against the program before applying the demos.
  const loaded = await load("strategy-advisor@latest", { dir: registry });
  const program = loadCompiled(new StrategyAdvisor(), loaded.artifact);
  log(`loaded ${loaded.name}@${loaded.version} (${program.choose.demos.length} demos)`);

  const question = {
    children: options.children ?? "Db (a connection pool), then Cache (filled from Db at start), then Api (reads Cache)",
    requirement:
      options.requirement ?? "when Db restarts, Cache must refill and Api restart after it; an Api crash must not touch Db or Cache",
  };
  const prediction = await withSettings({ lm: model }, () => program.forward(question));
  log(`children:    ${question.children}\nrequirement: ${question.requirement}\nstrategy:    ${prediction.outputs.strategy}`);

  return {
    registry,
    published,
    refused,
    loaded: { name: loaded.name, version: loaded.version, demos: program.choose.demos.length },
    strategy: prediction.outputs.strategy,
  };
}

// Run from the command line (importing this file, as the test does, runs nothing).
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  Promise.resolve()
    .then(() => {
      const { values } = parseArgs({
        options: { lm: { type: "string" }, out: { type: "string" }, children: { type: "string" }, requirement: { type: "string" } },
      });
      return main({
        ...(values.lm ? { lm: values.lm } : {}),
        ...(values.out ? { out: values.out } : {}),
        ...(values.children ? { children: values.children } : {}),
        ...(values.requirement ? { requirement: values.requirement } : {}),
      });
    })
    .catch((err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      // 2: the command was used wrongly (no model, a bad model spec or key, a bad flag); 1: the work failed.
      const usage =
        err instanceof NoModelError ||
        err instanceof LMConfigError ||
        String((err as { code?: unknown }).code).startsWith("ERR_PARSE_ARGS");
      process.exitCode = usage ? 2 : 1;
    });
}
