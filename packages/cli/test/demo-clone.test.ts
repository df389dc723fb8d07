import { describe, it, expect, afterAll } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// What a newcomer does: clone the repository and run the README's first command,
// offline and without a model. The dataset is kept small through OTPFORGE_DEMO_N.
const repo = execFileSync("git", ["rev-parse", "--show-toplevel"], {
  cwd: dirname(fileURLToPath(import.meta.url)),
  encoding: "utf8",
}).trim();
const dir = mkdtempSync(join(tmpdir(), "otpforge-clone-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function readmeCommands(): string[] {
  const readme = readFileSync(join(repo, "README.md"), "utf8");
  const block = /^```sh\n([\s\S]*?)\n```/m.exec(readme);
  expect(block, "README.md must open with a ```sh block of the set-up commands").not.toBeNull();
  return block![1]!
    .split("\n")
    .map((line) => line.replace(/#.*$/, "").trim())
    .filter(Boolean);
}

describe("a fresh clone", () => {
  it("opens its README with exactly the demo and test commands", () => {
    expect(readmeCommands()).toEqual(["npm run demo", "npm test"]);
  });

  it("runs the README's demo command offline and says how to add a model", () => {
    const clone = join(dir, "otpforge");
    execFileSync("git", ["clone", "--quiet", repo, clone]);
    const [demoCommand] = readmeCommands();
    const env: NodeJS.ProcessEnv = { ...process.env, OTPFORGE_DEMO_N: "16", OTPFORGE_DEMO_CATALOG_RUNS: "1" };
    delete env.OTPFORGE_LM;
    delete env.OTPFORGE_TEST_REPORT;
    const r = spawnSync(demoCommand!, { cwd: clone, shell: true, env, encoding: "utf8", timeout: 900_000 });
    const output = `${r.stdout}\n${r.stderr}`;
    expect(r.status, output.slice(-3000)).toBe(0);
    expect(r.stdout).toContain("execution-verified trace examples");
    expect(r.stdout).toContain("every verdict as expected");
    expect(r.stdout).toContain("No language model is configured: set OTPFORGE_LM to provider/model");
    const lines = readFileSync(join(clone, "out", "demo", "traces.jsonl"), "utf8")
      .trimEnd()
      .split("\n");
    expect(lines).toHaveLength(16);
    expect(existsSync(join(clone, "reports", "demo.html"))).toBe(false);
  }, 900_000);
});
