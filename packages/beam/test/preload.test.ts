// Preloads (createPool({ preload })): modules compiled once and loaded in every VM. The attacks
// come first: untrusted code must not be able to define, redefine, purge or shadow a preloaded
// module, and calling a sandboxed preload must give it nothing the policy refuses it (the preload
// is compiled through the same policy, guards included). After every hostile job a benign one
// must still get the preload's true answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, PreloadRefusedError, type Pool, type Preload } from "../src/index.js";

const VERDICT: Preload = {
  name: "test.verdict",
  files: [
    {
      name: "verdict.ex",
      source: `
defmodule OtpForge.TestVerdict do
  def verdict(x), do: {:verdict, x}
  # Each of these does on behalf of its caller what the policy rewrites into a guarded call.
  def relay(dest, msg), do: send(dest, msg)
  def run_mfa(m, f, a), do: apply(m, f, a)
  def start_child(mod), do: GenServer.start(mod, 0)
end

defmodule OtpForge.TestVerdict.Server do
  use GenServer
  def init(n), do: {:ok, n}
  def handle_call(:get, _from, n), do: {:reply, {:served, n}, n}
end
`,
    },
  ],
};

const TRUSTED: Preload = {
  name: "test.trusted",
  access: "trusted",
  files: [
    {
      name: "trusted.ex",
      source: `defmodule OtpForge.TestTrusted do
  def secret, do: File.exists?("/")
end

defmodule OtpForge.TestTrusted.Boom do
  defexception [:message]
  # Unchecked code that a raise would run on untrusted code's behalf.
  def exception(_), do: %__MODULE__{message: inspect(File.exists?("/"))}
end
`,
    },
  ],
};

let pool: Pool;
beforeAll(async () => {
  pool = await createPool({ size: 1, preload: [VERDICT, TRUSTED] });
});
afterAll(async () => {
  await pool?.close();
});

async function benignStillRight() {
  const r = await pool.run({ script: "OtpForge.TestVerdict.verdict(7)" });
  expect(r.status, r.message).toBe("ok");
  expect(r.value).toBe("{:verdict, 7}");
}

describe("preload", () => {
  it("gives every job the preloaded modules without shipping them", async () => {
    expect(pool.preloads).toEqual(["test.verdict", "test.trusted"]);
    await benignStillRight();
    const server = await pool.run({
      script: "{:ok, pid} = GenServer.start_link(OtpForge.TestVerdict.Server, 3)\nGenServer.call(pid, :get)",
    });
    expect(server.value, server.message).toBe("{:served, 3}");
    const call = await pool.run({ call: { module: "OtpForge.TestVerdict", fun: "verdict", args: [1] } });
    expect(call.value, call.message).toBe("{:verdict, 1}");
    const trusted = await pool.run({ trusted: true, script: "OtpForge.TestTrusted.secret()" });
    expect(trusted.value, trusted.message).toBe("true");
  });

  const hostile: Array<[string, string, RegExp]> = [
    [
      "redefines a preloaded module to forge its answer",
      "defmodule OtpForge.TestVerdict do\n  def verdict(_), do: :forged\nend\nOtpForge.TestVerdict.verdict(7)",
      /OtpForge\.TestVerdict/,
    ],
    // At the top level Elixir expands an alias in a module's name: these define the module aliased.
    [
      "redefines a preloaded module through an alias",
      "alias OtpForge, as: X\ndefmodule X.TestVerdict do\n  def verdict(_), do: :forged\nend\nOtpForge.TestVerdict.verdict(7)",
      /defmodule OtpForge\.TestVerdict/,
    ],
    [
      "redefines a preloaded module through its own alias",
      "alias OtpForge.TestVerdict\ndefmodule TestVerdict do\n  def verdict(_), do: :forged\nend\nOtpForge.TestVerdict.verdict(7)",
      /defmodule OtpForge\.TestVerdict/,
    ],
    [
      "redefines the worker's guard through an alias",
      "alias OtpForge.Guard, as: G\ndefmodule G do\n  def call(m, f, a), do: apply(m, f, a)\nend\n1",
      /defmodule OtpForge\.Guard/,
    ],
    [
      "redefines a runtime module through an alias",
      "alias GenServer, as: G\ndefmodule G do\n  def call(_, _), do: :forged\nend\n1",
      /defmodule GenServer redefines/,
    ],
    [
      "defines a new module in the OtpForge namespace",
      "defmodule OtpForge.TestVerdict.Extra do\n  def x, do: 1\nend\n1",
      /OtpForge\.\* and preloaded modules/,
    ],
    [
      "implements a protocol for a preloaded module",
      'defimpl String.Chars, for: OtpForge.TestVerdict.Server do\n  def to_string(_), do: "x"\nend\n1',
      /OtpForge\.\* and preloaded modules/,
    ],
    ["purges a preloaded module", ":code.purge(OtpForge.TestVerdict)", /:code/],
    ["reflects on a preloaded module", "OtpForge.TestVerdict.module_info()", /module_info/],
    [
      "has the preload send to the runtime's runner",
      'OtpForge.TestVerdict.relay(:otpforge_runner, {:otpforge_done, make_ref(), {:ok, "x", nil}})',
      /not allowed|runtime|process/,
    ],
    ["has the preload make atoms", 'OtpForge.TestVerdict.run_mfa(String, :to_atom, ["fresh_atom"])', /String\.to_atom\/1 is not allowed/],
    [
      "has the preload start a runtime module",
      "OtpForge.TestVerdict.start_child(Logger.Backends.Internal)",
      /may only start modules it defines/,
    ],
    ["calls a trusted preload", "OtpForge.TestTrusted.secret()", /OtpForge\.TestTrusted\.secret/],
    ["applies a trusted preload from data", "m = OtpForge.TestTrusted\nm.secret()", /OtpForge\.TestTrusted\.secret/],
    [
      "raises a trusted preload's exception (its exception/1 is unchecked code)",
      "raise OtpForge.TestTrusted.Boom",
      /OtpForge\.TestTrusted\.Boom\.exception/,
    ],
    ["redefines a trusted preload", "defmodule OtpForge.TestTrusted do\n  def secret, do: :forged\nend\n1", /OtpForge\.TestTrusted/],
  ];
  for (const [what, script, message] of hostile) {
    it(`refuses a job that ${what}`, async () => {
      const r = await pool.run({ script });
      expect(r.status, r.message).toBe("policy_violation");
      expect(r.message).toMatch(message);
      await benignStillRight();
    });
  }

  it("keeps preloads out of code the explorer controls (their steps would not be choice points)", async () => {
    const scenario = "defmodule Scenario do\n  def run, do: OtpForge.TestVerdict.relay(self(), :hi)\nend\n";
    const r = await pool.run({ script: scenario, explore: {} });
    expect(r.status, r.message).toBe("policy_violation");
    expect(r.message).toMatch(/OtpForge\.TestVerdict\.relay\/2 under the explorer/);
    await benignStillRight();
    // The same with the module from data: refused when the call runs.
    const fromData = "defmodule Scenario do\n  def run do\n    m = OtpForge.TestVerdict\n    m.relay(self(), :hi)\n  end\nend\n";
    const d = await pool.run({ script: fromData, explore: {} });
    expect(d.status, d.message).toBe("policy_violation");
    expect(d.message).toMatch(/OtpForge\.TestVerdict\.relay\/2 is not allowed/);
    await benignStillRight();
  });

  it("refuses a redefinition in the policy check too", async () => {
    const r = await pool.checkPolicy("defmodule OtpForge.TestVerdict do\n  def verdict(_), do: :forged\nend\n");
    expect(r.ok).toBe(false);
  });

  it("refuses, at build, a sandboxed preload the policy refuses", async () => {
    const bad: Preload = {
      name: "test.bad",
      files: [{ name: "bad.ex", source: 'defmodule OtpForge.TestBad do\n  def read, do: File.read!("/etc/passwd")\nend\n' }],
    };
    const err = await createPool({ size: 1, preload: [bad] }).then(
      (p) => p.close().then(() => undefined),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PreloadRefusedError);
    expect((err as PreloadRefusedError).message).toMatch(/test\.bad.*bad\.ex:2: File\.read!\/1 is not allowed in sandboxed code/);
  });

  it("refuses, at build, top-level code, a module the runtime has, and a trusted protocol implementation", async () => {
    const dispatch =
      'defmodule OtpForge.TestShow do\n  defstruct [:x]\nend\n\ndefimpl String.Chars, for: OtpForge.TestShow do\n  def to_string(_), do: "x"\nend\n';
    for (const source of ["IO.puts(:boom)\n", "defmodule Enum do\n  def x, do: 1\nend\n", dispatch]) {
      const p: Preload = { name: "test.shadow", access: "trusted", files: [{ name: "s.ex", source }] };
      await expect(createPool({ size: 1, preload: [p] })).rejects.toBeInstanceOf(PreloadRefusedError);
    }
  });
});
