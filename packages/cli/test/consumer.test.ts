// What a user outside this repository gets: every package built and packed
// (`pnpm pack`), the tarballs installed with npm into a fresh project in a
// temporary folder (no workspace links, no tsx, no @ax-llm/ax), and used there
// from plain node ESM, from TypeScript, and through the installed `otpforge` bin.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);
const root = resolve(import.meta.dirname, "../../..");
const PACKAGES = ["core", "beam", "otp-signatures", "metrics", "datasets", "teleprompters", "tasks", "cli"];
const dir = mkdtempSync(join(tmpdir(), "otpforge-consumer-"));
const tarballs = join(dir, "tarballs");
const app = join(dir, "app");

// The children see nothing of the workspace: not its npm/pnpm settings (npm test
// sets npm_config_*, some naming the checkout), not the NODE_PATH that pnpm's bin
// shims set to the workspace's hoisted packages (through which @ax-llm/ax would
// resolve), not its source condition, not a model.
const LEAKS = new Set(["NODE_PATH", "NODE_OPTIONS", "OTPFORGE_LM", "OTPFORGE_CACHE_DIR"]);
const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && !LEAKS.has(k)));

type Run = { code: number; stdout: string; stderr: string };
async function run(cmd: string, args: string[], cwd = app, timeout = 120_000): Promise<Run> {
  try {
    const r = await exec(cmd, args, { cwd, env, timeout, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: `${e.stderr ?? ""}\n${e.message}` };
  }
}
async function ok(cmd: string, args: string[], cwd = app, timeout?: number): Promise<Run> {
  const r = await run(cmd, args, cwd, timeout);
  expect(r.code, `${cmd} ${args.join(" ")}\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-3000)}`).toBe(0);
  return r;
}

const workspaceRequire = createRequire(join(root, "packages", "core", "package.json"));
const versionOf = (pkgJson: string) => (JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string }).version;
const tgz = (name: string) => join(tarballs, `otpforge-${name}-${versionOf(join(root, "packages", name, "package.json"))}.tgz`);

beforeAll(async () => {
  // Incremental: a no-op when `npm test`'s setup has just built.
  await ok(process.execPath, [join(root, "scripts", "build.mjs")], root, 300_000);
  mkdirSync(tarballs);
  await Promise.all(PACKAGES.map((name) => ok("pnpm", ["pack", "--pack-destination", tarballs], join(root, "packages", name))));

  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "otpforge-consumer", private: true, type: "module" }, null, 2));
  // The same TypeScript and Node types as the workspace, so npm's cache has them.
  const ts = versionOf(createRequire(join(root, "package.json")).resolve("typescript/package.json"));
  const nodeTypes = versionOf(createRequire(join(root, "package.json")).resolve("@types/node/package.json"));
  // --ignore-scripts: better-sqlite3 would compile from source (no prebuilt binary
  // is reachable here), which costs minutes; its binding is taken from the workspace below.
  await ok(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--prefer-offline",
      "--ignore-scripts",
      ...PACKAGES.map(tgz),
      `typescript@${ts}`,
      `@types/node@${nodeTypes}`,
    ],
    app,
    240_000,
  );

  const wsSqlite = dirname(workspaceRequire.resolve("better-sqlite3/package.json"));
  const appSqlite = join(app, "node_modules", "better-sqlite3");
  if (versionOf(join(wsSqlite, "package.json")) === versionOf(join(appSqlite, "package.json"))) {
    mkdirSync(join(appSqlite, "build", "Release"), { recursive: true });
    copyFileSync(join(wsSqlite, "build", "Release", "better_sqlite3.node"), join(appSqlite, "build", "Release", "better_sqlite3.node"));
  } else {
    await ok("npm", ["rebuild", "better-sqlite3"], app, 600_000); // another version: build it as a user's install would
  }
}, 900_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the packed packages", () => {
  it("hold the built JavaScript, declarations and run-time assets, and no sources", async () => {
    const list = async (name: string) => (await ok("tar", ["tzf", tgz(name)], dir)).stdout.split("\n").filter(Boolean);
    for (const name of PACKAGES) {
      const files = await list(name);
      expect(files, name).toContain("package/dist/index.js");
      expect(files, name).toContain("package/dist/index.d.ts");
      expect(
        files.filter((f) => f.startsWith("package/src/") || f.endsWith(".tsbuildinfo") || /\/test\//.test(f)),
        name,
      ).toEqual([]);
      const manifest = JSON.parse((await ok("tar", ["xzf", tgz(name), "-O", "package/package.json"], dir)).stdout) as Record<
        string,
        unknown
      >;
      expect(manifest.private, name).toBeUndefined();
      expect(JSON.stringify(manifest.dependencies ?? {}), name).not.toContain("workspace:");
      // publishConfig.exports took the place of exports: no source condition, nothing in src/.
      expect(manifest.publishConfig, name).toBeUndefined();
      expect(JSON.stringify(manifest.exports), name).not.toMatch(/@otpforge\/source|\.\/src\//);
      expect((manifest.exports as Record<string, unknown>)["."], name).toEqual({ types: "./dist/index.d.ts", import: "./dist/index.js" });
    }
    expect(await list("beam")).toContain("package/priv/worker/worker.ex");
    expect(await list("datasets")).toContain("package/priv/traces/driver.ex");
    expect(await list("metrics")).toContain("package/priv/design_probe/run.ex");
    expect((await list("otp-signatures")).some((f) => f.startsWith("package/catalog/") && f.endsWith("/buggy.ex"))).toBe(true);
    expect(await list("cli")).toContain("package/bin/otpforge.mjs");
  });

  it("install without tsx or @ax-llm/ax", () => {
    expect(existsSync(join(app, "node_modules", "@otpforge", "core", "dist", "index.js"))).toBe(true);
    expect(existsSync(join(app, "node_modules", "tsx"))).toBe(false);
    expect(existsSync(join(app, "node_modules", "@ax-llm"))).toBe(false);
  });
});

// Independent checks in one project (each writes its own files): run side by side.
describe.concurrent("a project that installed the tarballs", () => {
  it("imports @otpforge/core from plain node ESM and runs a Predict against the fake OpenAI server", async () => {
    writeFileSync(
      join(app, "predict.mjs"),
      `import { z } from "zod";
import { signature, Predict, lm } from "@otpforge/core";
import { FakeProviderServer, chatReply } from "@otpforge/core/testing";
const server = await FakeProviderServer.start({ handler: () => chatReply({ answer: "it starts empty", confident: true }) });
try {
  const Explain = signature({
    name: "ExplainOTP",
    instructions: "Explain the OTP behaviour in one precise sentence.",
    inputs: { question: z.string().describe("a question about Erlang/Elixir OTP") },
    outputs: { answer: z.string().describe("one sentence"), confident: z.boolean() },
  });
  const model = lm("openai/gpt-4o-mini", { apiKey: "sk-consumer", baseURL: server.openaiBaseURL, cacheDir: ".otpforge/cache" });
  const explain = new Predict(Explain, { lm: model });
  const question = "What happens to a GenServer's mailbox when it restarts?";
  const first = await explain.forward({ question });
  const second = await explain.forward({ question }); // answered by the on-disk cache (better-sqlite3)
  console.log(JSON.stringify({ resolved: import.meta.resolve("@otpforge/core"), outputs: first.outputs, second: second.outputs, requests: server.requests.length }));
} finally {
  await server.close();
}
`,
    );
    const r = await ok(process.execPath, ["predict.mjs"]);
    const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { resolved: string; outputs: unknown; second: unknown; requests: number };
    expect(out.resolved).toMatch(/\/node_modules\/@otpforge\/core\/dist\/index\.js$/);
    expect(out.outputs).toEqual({ answer: "it starts empty", confident: true });
    expect(out.second).toEqual(out.outputs);
    expect(out.requests).toBe(1);
    expect(existsSync(join(app, ".otpforge", "cache"))).toBe(true);
  });

  it("says what to install for an ax/ model (Ax is an optional peer)", async () => {
    writeFileSync(
      join(app, "ax.mjs"),
      `import { lm } from "@otpforge/core";
try { lm("ax/groq/llama-3.3-70b-versatile", { apiKey: "k" }); console.log("loaded"); } catch (err) { console.log(JSON.stringify({ code: err.code, message: err.message })); }
`,
    );
    const out = JSON.parse((await ok(process.execPath, ["ax.mjs"])).stdout.trim()) as { code: string; message: string };
    expect(out.code).toBe("MISSING_DEPENDENCY");
    expect(out.message).toContain("npm install @ax-llm/ax");
  });

  it("type-checks TypeScript against the published declarations (tsc --noEmit)", async () => {
    writeFileSync(
      join(app, "typed.ts"),
      `import { z } from "zod";
import { signature, Predict, Module, isModule } from "@otpforge/core";
import { FakeProviderServer } from "@otpforge/core/testing";
import { createPool } from "@otpforge/beam";
import { loadTaskModule } from "@otpforge/teleprompters";
import { runCli } from "@otpforge/cli";

const Explain = signature({ name: "Explain", instructions: "x", inputs: { question: z.string() }, outputs: { answer: z.string(), confident: z.boolean() } });
const explain = new Predict(Explain);
type Outputs = Awaited<ReturnType<typeof explain.forward>>["outputs"];
const good: Outputs = { answer: "a", confident: true };
// @ts-expect-error confident is a boolean: the outputs are typed, not any
const bad: Outputs = { answer: "a", confident: "yes" };
const m: Module = explain;
export const used = [good, bad, m, isModule, FakeProviderServer, createPool, loadTaskModule, runCli];
`,
    );
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ["node"],
        },
        files: ["typed.ts"],
      }),
    );
    // skipLibCheck: false reads every published declaration: minutes on 2 busy cores.
    await ok(join(app, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json"], app, 290_000);
  }, 300_000);

  it("loads a task module whose program comes from another copy of @otpforge/core", async () => {
    // A library with its own nested copy of core, as npm makes when versions differ.
    const lib = join(app, "task-lib");
    mkdirSync(join(lib, "node_modules", "@otpforge", "core"), { recursive: true });
    await ok("tar", ["xzf", tgz("core"), "-C", join(lib, "node_modules", "@otpforge", "core"), "--strip-components=1"]);
    writeFileSync(join(lib, "package.json"), JSON.stringify({ name: "task-lib", private: true, type: "module" }));
    writeFileSync(
      join(lib, "task.mjs"),
      `import { Module } from "@otpforge/core";
export class Echo extends Module { async forward(input) { return input; } }
export const program = Echo;
export const metric = () => 1;
export const loadExamples = () => [];
`,
    );
    writeFileSync(
      join(app, "task.mjs"),
      `import { Module } from "@otpforge/core";
import { loadTaskModule } from "@otpforge/teleprompters";
const lib = await import("./task-lib/task.mjs");
const task = await loadTaskModule("task-lib/task.mjs");
const made = task.program();
const copy = await import("./task-lib/node_modules/@otpforge/core/dist/index.js");
console.log(JSON.stringify({ twoCopies: copy.Module !== Module, made: made instanceof lib.Echo, isModule: made instanceof Module }));
`,
    );
    const out = JSON.parse((await ok(process.execPath, ["task.mjs"])).stdout.trim()) as Record<string, boolean>;
    expect(out).toEqual({ twoCopies: true, made: true, isModule: true });
  });

  it("runs the installed otpforge bin with plain node: --version and dataset traces --n 8 (Elixir)", async () => {
    const bin = join(app, "node_modules", ".bin", "otpforge");
    const version = await ok(bin, ["--version"]);
    expect(version.stdout.trim()).toBe(versionOf(join(root, "packages", "cli", "package.json")));

    const out = join(app, "traces.jsonl");
    // Sequential worlds only (--concurrent-share 0): 8 examples of two families can meet the balance
    // rule; the concurrent worlds have their own CLI test (dataset-concurrent.test.ts), from source.
    const r = await ok(bin, [
      "dataset",
      "traces",
      "--n",
      "8",
      "--seed",
      "consumer-1",
      "--out",
      out,
      "--families",
      "final_state,call_result",
      "--concurrent-share",
      "0",
      "--pool-size",
      "2",
      "--json",
    ]);
    expect(JSON.parse(r.stdout)).toMatchObject({ complete: true, examples: 8 });
    expect(readFileSync(out, "utf8").trimEnd().split("\n")).toHaveLength(8);
    expect(readdirSync(app)).toContain("traces.stats.json");
  }, 120_000);
});
