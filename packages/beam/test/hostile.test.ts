// The hostile-input suite: model-written code is hostile until proven otherwise.
// Every kind gets the right verdict and a message naming what was refused;
// files on disk, the environment and the pool itself come out unharmed.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type JobResult, type Pool, type Verdict } from "../src/index.js";
import { COUNTER, osProcessLeft } from "./helpers.js";

const SECRET = "sk-otpforge-planted-secret-7f3a";
let pool: Pool;
let dir: string;
let canary: string;
let victim: string;
const pids = new Set<number>();

beforeAll(async () => {
  process.env.OTPFORGE_PLANTED_API_KEY = SECRET;
  process.env.GITHUB_TOKEN = SECRET;
  dir = mkdtempSync(join(tmpdir(), "otpforge-hostile-"));
  chmodSync(dir, 0o777);
  canary = join(dir, "canary.txt");
  victim = join(dir, "victim.txt");
  writeFileSync(victim, "intact");
  pool = await createPool({ size: 2, graceMs: 2000 });
  for (const p of pool.osPids()) pids.add(p);
});

afterAll(async () => {
  delete process.env.OTPFORGE_PLANTED_API_KEY;
  delete process.env.GITHUB_TOKEN;
  await pool?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function run(script: string, extra: Partial<Parameters<Pool["run"]>[0]> = {}): Promise<JobResult> {
  const r = await pool.run({ script, ...extra });
  for (const p of pool.osPids()) pids.add(p);
  return r;
}

type Case = { kind: string; script: () => string; status: Verdict; message: RegExp; limits?: Record<string, number> };

const cases: Case[] = [
  {
    kind: "file write",
    script: () => `File.write!(${JSON.stringify(canary)}, "pwned")`,
    status: "policy_violation",
    message: /^File\.write!\/2 is not allowed in sandboxed code \(line 1\)$/,
  },
  {
    kind: "file delete",
    script: () => `x = 1\nFile.rm!(${JSON.stringify(victim)})`,
    status: "policy_violation",
    message: /^File\.rm!\/1 is not allowed in sandboxed code \(line 2\)$/,
  },
  {
    kind: "System.cmd",
    script: () => `System.cmd("touch", [${JSON.stringify(canary)}])`,
    status: "policy_violation",
    message: /^System\.cmd\/2 is not allowed/,
  },
  { kind: ":os.cmd", script: () => `:os.cmd(~c"touch ${canary}")`, status: "policy_violation", message: /^:os\.cmd\/1 is not allowed/ },
  {
    kind: "port",
    script: () => `Port.open({:spawn, "touch ${canary}"}, [])`,
    status: "policy_violation",
    message: /^Port\.open\/2 is not allowed/,
  },
  {
    kind: "Code.eval_string",
    script: () => `Code.eval_string("File.write!(\\"${canary}\\", \\"x\\")")`,
    status: "policy_violation",
    message: /^Code\.eval_string\/1 is not allowed/,
  },
  {
    kind: ":file",
    script: () => `:file.write_file(~c"${canary}", "x")`,
    status: "policy_violation",
    message: /^:file\.write_file\/2 is not allowed/,
  },
  { kind: ":erlang.halt", script: () => ":erlang.halt()", status: "policy_violation", message: /^:erlang\.halt\/0 is not allowed/ },
  { kind: ":init.stop", script: () => ":init.stop()", status: "policy_violation", message: /^:init\.stop\/0 is not allowed/ },
  {
    kind: "apply with an atom built at run time",
    script: () => `m = String.to_atom("Elixir.File")\napply(m, :write!, [${JSON.stringify(canary)}, "x"])`,
    status: "policy_violation",
    message: /String\.to_atom\/1 is not allowed in sandboxed code: it creates atoms.*\(line 1\)/,
  },
  {
    kind: "apply with an existing atom",
    script: () => `m = String.to_existing_atom("Elixir.System")\napply(m, :cmd, ["id", []])`,
    status: "policy_violation",
    message: /String\.to_existing_atom\/1 is not allowed/,
  },
  // A module from data is checked when the call runs: an allowed one works (see corpus.test.ts), a refused one is stopped there.
  {
    kind: "module held in a variable",
    script: () => `{:module, mod} = Function.info(&self/0, :module)\nmod.halt()`,
    status: "policy_violation",
    message: /^:erlang\.halt\/0 is not allowed in sandboxed code \(script\.exs:2\)$/,
  },
  {
    kind: "capture of a forbidden function",
    script: () => `f = &File.write!/2\nf.(${JSON.stringify(canary)}, "x")`,
    status: "policy_violation",
    message: /^File\.write!\/2 is not allowed in sandboxed code \(line 1\)$/,
  },
  {
    kind: "code loading",
    script: () => `:code.load_binary(Evil, ~c"evil.beam", <<>>)`,
    status: "policy_violation",
    message: /^:code\.load_binary\/3 is not allowed/,
  },
  {
    kind: "network connect",
    script: () => `:gen_tcp.connect(~c"example.com", 80, [])`,
    status: "policy_violation",
    message: /^:gen_tcp\.connect\/3 is not allowed/,
  },
  {
    kind: "reading environment variables",
    script: () => `System.get_env("OTPFORGE_PLANTED_API_KEY")`,
    status: "policy_violation",
    message: /^System\.get_env\/1 is not allowed/,
  },
  {
    kind: "binary_to_term (external funs)",
    script: () => `:erlang.binary_to_term(<<131, 106>>)`,
    status: "policy_violation",
    message: /^:erlang\.binary_to_term\/1 is not allowed/,
  },
  {
    kind: "macros",
    script: () => `defmodule M do\n  defmacro evil, do: quote(do: File.rm!("x"))\nend`,
    status: "policy_violation",
    message: /defmacro is not allowed in sandboxed code: macros run inside the compiler \(line 2\)/,
  },
  {
    kind: "MFA in a child spec",
    script: () => `Supervisor.start_link([%{id: :x, start: {:os, :cmd, [~c"id"]}}], strategy: :one_for_one)`,
    status: "policy_violation",
    message: /the atom :os is not allowed/,
  },
  {
    kind: "redefining GenServer",
    script: () => `defmodule GenServer do\n  def call(_, _), do: :hijacked\nend`,
    status: "policy_violation",
    message: /^defmodule GenServer redefines a module that already exists in the runtime \(line 1\)$/,
  },
  {
    kind: "atom exhaustion",
    script: () => `for i <- 1..2_000_000, do: String.to_atom("atom_#{i}")`,
    status: "policy_violation",
    message: /String\.to_atom\/1 is not allowed/,
  },
  {
    kind: "atom exhaustion by interpolation",
    script: () => `for i <- 1..2_000_000, do: :"atom_#{i}"`,
    status: "policy_violation",
    message: /:erlang\.binary_to_atom\/2 is not allowed/,
  },
  {
    kind: "killing every process",
    script: () => `for p <- Process.list(), p != self(), do: Process.exit(p, :kill)\n:survived`,
    status: "policy_violation",
    message: /sandboxed code may only signal or message processes it started/,
  },
  {
    kind: "messaging the runtime's servers by name",
    script: () => `GenServer.call(:application_controller, {:stop_application, :kernel})`,
    status: "policy_violation",
    message: /:application_controller is a process of the runtime/,
  },
  {
    kind: "MFA built at run time in a child spec",
    script: () =>
      `{:initial_call, {m, _, _}} = Process.info(self(), :initial_call)\nSupervisor.start_link([%{id: :x, start: {m, :halt, []}}], strategy: :one_for_one)`,
    status: "policy_violation",
    message: /a child that starts with :erlang\.halt\/0 is not allowed/,
  },
  {
    kind: "writing the runtime's public ETS tables",
    script: () => `:ets.insert(:ac_tab, {{:env, :kernel, :evil}, true})`,
    status: "policy_violation",
    message: /may only change ETS tables its processes own; :ac_tab belongs to the runtime/,
  },
  {
    kind: "spawn on a node with an MFA built at run time",
    script: () => `{:initial_call, {m, _, _}} = Process.info(self(), :initial_call)
:erlang.spawn(node(), m, :halt, [])`,
    status: "policy_violation",
    message: /:erlang\.halt\/0 is not allowed/,
  },
  {
    kind: "lifting the heap limit",
    script: () => `Process.flag(:max_heap_size, 0)`,
    status: "policy_violation",
    message: /Process\.flag\(:max_heap_size, 0\) is not allowed/,
  },
  {
    kind: "infinite loop",
    script: () => `defmodule Loop do\n  def forever(n), do: forever(n + 1)\nend\nLoop.forever(0)`,
    status: "timeout",
    message: /did not finish within 1500 ms \(limits\.timeoutMs\)/,
    limits: { timeoutMs: 1500 },
  },
  {
    kind: "memory bomb (heap)",
    script: () => `Enum.reduce(1..100_000_000, [], fn x, acc -> [x | acc] end)`,
    status: "memory_limit",
    message: /exceeded the heap limit of 32\.0 MB \(limits\.maxHeapBytes\)/,
    limits: { maxHeapBytes: 32 * 1024 * 1024 },
  },
  {
    kind: "memory bomb (binaries)",
    script: () => `Enum.map(1..100, fn i -> String.duplicate("x", 20_000_000) <> "#{i}" end)`,
    status: "memory_limit",
    message: /grew the VM's memory by more than 200\.0 MB \(limits\.maxMemoryBytes\)|ran out of memory/,
    limits: { maxMemoryBytes: 200 * 1024 * 1024 },
  },
  {
    kind: "spawn bomb",
    script: () =>
      `defmodule Bomb do\n  def go, do: (spawn(fn -> go() end); spawn(fn -> go() end); Process.sleep(:infinity))\nend\nBomb.go()`,
    status: "runtime_error",
    message: /^system_limit: the job had more than 500 live processes \(limits\.maxProcesses\)/,
    limits: { maxProcesses: 500 },
  },
  {
    kind: "huge output",
    script: () => `Stream.repeatedly(fn -> IO.write(String.duplicate("y", 4096)) end) |> Stream.run()`,
    status: "output_limit",
    message: /printed more than 65536 bytes \(limits\.maxOutputBytes\)/,
    limits: { maxOutputBytes: 65536 },
  },
  {
    kind: "forged I/O request to the output capture",
    script: () =>
      `send(Process.group_leader(), {:io_request, self(), make_ref(), {:put_chars, :unicode, :file, :write_file, [~c"${canary}", "x"]}})`,
    status: "policy_violation",
    message: /the atom :file is not allowed|may only signal or message processes it started/,
  },
];

describe("hostile input", () => {
  for (const c of cases) {
    it(`${c.kind}: ${c.status}`, async () => {
      const r = await run(c.script(), c.limits ? { limits: c.limits } : {});
      expect(r.status, r.message).toBe(c.status);
      expect(r.message).toMatch(c.message);
      expect(existsSync(canary), "canary file created").toBe(false);
      expect(readFileSync(victim, "utf8")).toBe("intact");
    });
  }

  it("caps output with a marker and keeps what came before it", async () => {
    const r = await run(`IO.puts("first line")\nIO.write(String.duplicate("z", 100_000))`, { limits: { maxOutputBytes: 1000 } });
    expect(r.status).toBe("output_limit");
    expect(r.stdout.startsWith("first line\nzzz")).toBe(true);
    expect(r.stdout).toMatch(/\.\.\.\[output truncated: more than 1000 bytes\]\n$/);
  });

  it("gives a job no stdin (IO.gets returns :eof instead of hanging)", async () => {
    const r = await run(`IO.gets("name? ")`);
    expect(r.status).toBe("ok");
    expect(r.value).toBe(":eof");
  });

  it("leaves no registered names, persistent terms or named ETS tables for the next job", async () => {
    const small = await createPool({ size: 1 });
    try {
      for (const p of small.osPids()) pids.add(p);
      const leak = `spawn(fn -> Process.register(self(), :leaky); Process.sleep(:infinity) end)
:persistent_term.put(:leaky_term, 42)
:ets.new(:leaky_table, [:named_table, :public])
Agent.start(fn -> 0 end, name: LeakyAgent)
Process.sleep(50)
:ok`;
      expect((await small.run({ script: leak })).status).toBe("ok");
      const probe = await small.run({
        script:
          "{Process.whereis(:leaky), Process.whereis(LeakyAgent), :persistent_term.get(:leaky_term, :none), :ets.whereis(:leaky_table)}",
      });
      expect(probe.value).toBe("{nil, nil, :none, :undefined}");
    } finally {
      await small.close();
    }
  });

  it("OS layer: the worker's environment has no secrets, no network and a private directory", async () => {
    const env = await run("System.get_env() |> Map.keys() |> Enum.sort()", { trusted: true });
    expect(env.status).toBe("ok");
    const keys = env.valueJson as string[];
    expect(keys).not.toContain("OTPFORGE_PLANTED_API_KEY");
    expect(keys).not.toContain("GITHUB_TOKEN");
    expect(keys.some((k) => /KEY|TOKEN|SECRET|PASSWORD/i.test(k))).toBe(false);
    const all = await run("System.get_env() |> inspect()", { trusted: true });
    expect(all.value).not.toContain(SECRET);
    const cwd = await run("File.cwd!()", { trusted: true });
    expect(cwd.valueJson).toMatch(/otpforge-worker-/);
    const net = await run(`:gen_tcp.connect({1, 1, 1, 1}, 53, [], 2000)`, { trusted: true });
    expect(net.status).toBe("ok");
    expect(net.value).toMatch(/^\{:error, :(enetunreach|ehostunreach|econnrefused|timeout)\}$/);
  });

  it("after the whole suite the pool still answers a normal job correctly, and close leaves no OS process", async () => {
    const r = await pool.run({
      files: [{ name: "counter.ex", source: COUNTER }],
      script: "{:ok, _} = Counter.start_link(1)\nCounter.inc()\nCounter.inc()",
    });
    expect(r.status).toBe("ok");
    expect(r.value).toBe("3");
    for (const p of pool.osPids()) pids.add(p);
    await pool.close();
    expect(osProcessLeft([...pids])).toEqual([]);
  });
});
