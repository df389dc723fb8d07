// A reader that goes away early (`| head -1`) must not crash the command with
// an EPIPE stack trace: the real CLI is spawned, so Node's own stdout is the pipe.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");
const MAIN = join(ROOT, "packages", "cli", "src", "main.ts");
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "otpforge-epipe-"));
  // Later jobs finish after `head` has read its line and closed the pipe.
  for (let i = 1; i <= 4; i++) writeFileSync(join(dir, `job${i}.exs`), `Process.sleep(${i * 150})\n${i}\n`);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("stdout closed by its reader", () => {
  it("exec --json | head -1 prints one line and ends quietly with the verb's code", { timeout: 60_000 }, () => {
    const files = [1, 2, 3, 4].map((i) => join(dir, `job${i}.exs`)).join(" ");
    const script = `"${TSX}" --conditions=@otpforge/source "${MAIN}" exec ${files} --json 2>"${join(dir, "stderr.txt")}" | head -1; echo "exit=\${PIPESTATUS[0]}"`;
    const r = spawnSync("bash", ["-c", script], { encoding: "utf8", cwd: ROOT });
    const [first, status] = r.stdout.trim().split("\n");
    expect(JSON.parse(first!)).toMatchObject({ status: "ok", value: "1" });
    expect(status).toBe("exit=0");
    const stderr = spawnSync("cat", [join(dir, "stderr.txt")], { encoding: "utf8" }).stdout;
    expect(stderr).not.toMatch(/EPIPE|Unhandled 'error' event|\n\s+at /);
  });
});
