// Every technique that once got past the sandbox, as an attack, followed each
// time by a benign job on the same pool that must still return its true value;
// run in this process (root in CI) and again as a normal user.
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Pool } from "../src/index.js";
import { BENIGN, ESCAPES, FORGED_RESULT, osLayerProbe, RAW_FORGERY } from "./escape-cases.js";

const here = dirname(fileURLToPath(import.meta.url));
const isRoot = process.getuid?.() === 0;
const USER = 4242; // a uid with no account: nothing of root's, nothing of a real user's
let pool: Pool;
let dir: string;
let target: string;
let home: string;
let sock: Server;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "otpforge-escapes-"));
  chmodSync(dir, 0o777);
  target = join(dir, "escaped.txt");
  home = join(dir, "home");
  execFileSync("mkdir", ["-p", home]);
  writeFileSync(join(home, ".env"), "OPENAI_API_KEY=sk-otpforge-planted-0600\n", { mode: 0o600 });
  // A host Unix socket (abstract namespace: no file to hide it behind).
  sock = createServer((c) => c.end("reached")).listen({ path: "\0otpforge-escape-test" });
  pool = await createPool({ size: 2, onNotice: () => {} });
});

afterAll(async () => {
  await pool?.close();
  sock?.close();
  rmSync(dir, { recursive: true, force: true });
});

function expectOsLayerHeld(os: Record<string, string>) {
  expect(os.write_target).toMatch(/^\{:error, :(enoent|eacces|erofs)\}$/);
  expect(os.write_usr).toMatch(/^\{:error, :(erofs|eacces)\}$/);
  expect(os.write_etc).toMatch(/^\{:error, :(erofs|eacces)\}$/);
  expect(os.read_home).toMatch(/^\{:error, :(enoent|eacces)\}$/);
  expect(os.ls_home).toMatch(/^\{:error, :(enoent|eacces)\}$/);
  expect(os.abstract).toMatch(/^\{:error, :econnrefused\}$/);
  expect(os.net).toMatch(/^\{:error, :(enetunreach|ehostunreach|econnrefused|timeout)\}$/);
}

describe("escapes, as the user running the tests", () => {
  // Two at a time (the pool has two VMs); each attack is still followed by its benign job.
  for (const c of ESCAPES) {
    it.concurrent(`${c.name}: ${c.status}, then a benign job gives its true value`, async () => {
      const r = await pool.run(c.job(target));
      expect(r.status, r.message).toBe(c.status);
      if (c.message) expect(r.message).toMatch(c.message);
      if (c.status === "ok") expect(r.value).toBe("1"); // the benign child only, and the VM still up
      expect(existsSync(target), "the attack wrote outside its VM's private directory").toBe(false);
      const b = await pool.run(BENIGN.job);
      expect(b.status, b.message).toBe("ok");
      expect(b.value).toBe(BENIGN.value);
    });
  }

  it("the OS layer alone (code with no policy at all) cannot write outside its directory, read $HOME or reach a host socket", async () => {
    const r = await pool.run({ trusted: true, script: osLayerProbe(target, home) });
    expect(r.status, r.message).toBe("ok");
    expectOsLayerHeld(r.valueJson as Record<string, string>);
    expect(existsSync(target)).toBe(false);
  });

  it("frames written straight to the result channel are a forgery: policy_violation, the VM goes, the next job is true", async () => {
    const r = await pool.run({ trusted: true, script: RAW_FORGERY });
    expect(r.status).toBe("policy_violation");
    expect(r.message).toMatch(/wrote to the worker's result channel/);
    expect(r.value).toBeUndefined();
    const b = await pool.run(BENIGN.job);
    expect(b.value).toBe(BENIGN.value);
  });

  it("a result message forged inside the VM is caught by the runner, whether the job then fails or finishes", async () => {
    const failing = await pool.run({ trusted: true, script: FORGED_RESULT('raise "broken"') });
    expect(failing.status).toBe("policy_violation");
    expect(failing.message).toMatch(/forged verdict/);
    expect(failing.value).toBeUndefined();
    const finishing = await pool.run({ trusted: true, script: FORGED_RESULT(":real_value") });
    expect(finishing.status).toBe("policy_violation");
    expect(finishing.message).toMatch(/forged verdict/);
    const b = await pool.run(BENIGN.job);
    expect(b.value).toBe(BENIGN.value);
  });

  it("reports a linked process's own exception by name, with its message (formatted before the module is purged)", async () => {
    const r = await pool.run({
      files: [{ name: "bank.ex", source: 'defmodule BankError do\n  defexception message: "insufficient funds"\nend' }],
      script: "spawn_link(fn -> raise BankError end)\nProcess.sleep(500)",
    });
    expect(r.status).toBe("runtime_error");
    expect(r.message).toMatch(/\*\* \(BankError\) insufficient funds/);
  });
});

describe.runIf(isRoot)("escapes, as a normal user (setpriv to an unprivileged uid)", () => {
  it("every technique is contained and benign jobs keep their true values", () => {
    chownSync(home, USER, USER);
    chownSync(join(home, ".env"), USER, USER);
    const tsx = join(here, "..", "..", "..", "node_modules", ".bin", "tsx");
    const r = spawnSync(
      "setpriv",
      [`--reuid=${USER}`, `--regid=${USER}`, "--clear-groups", tsx, join(here, "run-escapes.ts"), target, home],
      {
        encoding: "utf8",
        env: { PATH: process.env.PATH, HOME: home, TMPDIR: tmpdir() },
        timeout: 300_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      uid: number;
      cases: Record<string, { status: string; message: string; benign: string }>;
      os: Record<string, string>;
      forged: { status: string; message: string; value?: string };
      after: string;
    };
    expect(out.uid).toBe(USER);
    for (const c of ESCAPES) {
      const got = out.cases[c.name]!;
      expect(got.status, `${c.name}: ${got.message}`).toBe(c.status);
      expect(got.benign, c.name).toBe(BENIGN.value);
    }
    expectOsLayerHeld(out.os);
    expect(out.forged.status).toBe("policy_violation");
    expect(out.forged.value).toBeUndefined();
    expect(out.after).toBe(BENIGN.value);
    expect(existsSync(target)).toBe(false);
  }, 300_000);
});
