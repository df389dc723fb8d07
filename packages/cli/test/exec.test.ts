import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli } from "./helpers.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "otpforge-exec-test-"));
  writeFileSync(join(dir, "hello.exs"), 'IO.puts("hello from the pool")\nEnum.sum([1, 2, 3])\n');
  writeFileSync(join(dir, "evil.exs"), 'System.cmd("id", [])\n');
  writeFileSync(join(dir, "evil2.exs"), 'System.cmd("id", [])\nFile.read!("/etc/passwd")\n');
  writeFileSync(join(dir, "slow.exs"), "Process.sleep(:infinity)\n");
  writeFileSync(join(dir, "lib.ex"), "defmodule ExecLib do\n  def f, do: 1\nend\n");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("otpforge exec", () => {
  it("runs each file through the pool and exits 0 when all are ok", async () => {
    const r = await cli(["exec", "hello.exs", "lib.ex"], process.env, dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^hello\.exs: ok \(\d+ ms\) => 6\n {2}\| hello from the pool\nlib\.ex: ok \(\d+ ms\) => nil\n$/);
  });

  it("prints one JSON object per file and exits 1 when one is not ok", async () => {
    const r = await cli(["exec", "hello.exs", "evil.exs", "slow.exs", "--timeout-ms", "500", "--json"], process.env, dir);
    expect(r.code).toBe(1);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.file, l.status])).toEqual([
      ["hello.exs", "ok"],
      ["evil.exs", "policy_violation"],
      ["slow.exs", "timeout"],
    ]);
    expect(lines[0]).toMatchObject({ stdout: "hello from the pool\n", value: "6", message: "ok" });
    expect(typeof lines[0]!.durationMs).toBe("number");
    expect(lines[1]!.message).toBe("System.cmd/2 is not allowed in sandboxed code (line 1)");
  });

  it("lists every violation under --json and as text, not only the first", async () => {
    const r = await cli(["exec", "evil2.exs", "--json"], process.env, dir);
    expect(r.code).toBe(1);
    const line = JSON.parse(r.stdout.trim()) as { violations: Array<{ message: string; line: number }> };
    expect(line.violations.map((v) => [v.line, v.message])).toEqual([
      [1, "System.cmd/2 is not allowed in sandboxed code (line 1)"],
      [2, "File.read!/1 is not allowed in sandboxed code (line 2)"],
    ]);
    const text = await cli(["exec", "evil2.exs"], process.env, dir);
    expect(text.stdout).toContain("script.exs:2: File.read!/1 is not allowed");
  });

  it("refuses to run model code without the sandbox unless --unsafe-no-isolation says so (exit 2, says what to install)", async () => {
    // OTPFORGE_SANDBOX=off stands for a host without bubblewrap (the pool reads process.env).
    process.env.OTPFORGE_SANDBOX = "off";
    try {
      const r = await cli(["exec", "hello.exs"], process.env, dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/will not run untrusted \(model-written\) code here.*apt-get install -y bubblewrap/s);
      const unsafe = await cli(["exec", "hello.exs", "--unsafe-no-isolation"], process.env, dir);
      expect(unsafe.code).toBe(0);
      expect(unsafe.stderr).toMatch(/WITHOUT the OS sandbox, as asked/);
    } finally {
      delete process.env.OTPFORGE_SANDBOX;
      delete process.env.OTPFORGE_UNSAFE_NO_ISOLATION;
    }
  });

  it("treats a missing file as a usage error naming its path", async () => {
    const r = await cli(["exec", "hello.exs", "missing.exs"], process.env, dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`no such file: ${join(dir, "missing.exs")}`);
    expect(r.stdout).toBe("");
  });

  it("asks for files and checks --timeout-ms", async () => {
    expect((await cli(["exec"], process.env, dir)).code).toBe(2);
    const bad = await cli(["exec", "hello.exs", "--timeout-ms", "soon"], process.env, dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--timeout-ms must be an integer");
  });
});
