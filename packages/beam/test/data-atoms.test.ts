// `:socket` and `:ssl` are everyday data (a connection's `%{socket: nil}`, an
// option `ssl: false`) and pass the sandbox as data; every way of calling a
// function through them is still refused, statically or at run time. And
// PartitionSupervisor is an OTP building block like DynamicSupervisor, with
// its partitions' child spec checked like any child.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPool, type Pool } from "../src/index.js";

let pool: Pool;
beforeAll(async () => {
  pool = await createPool({ size: 2 });
});
afterAll(async () => {
  await pool?.close();
});

const CONN = `
defmodule Conn do
  use GenServer
  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)
  def init(opts), do: {:ok, %{socket: nil, ssl: Keyword.get(opts, :ssl, false), mode: :socket}}
  def handle_call(:state, _from, s), do: {:reply, s, s}
end
`;

describe("data atoms that name modules", () => {
  it("accepts :socket and :ssl as map keys, options and values", async () => {
    const r = await pool.run({
      files: [{ name: "conn.ex", source: CONN }],
      script: "{:ok, _} = Conn.start_link(ssl: false)\nGenServer.call(Conn, :state)",
    });
    expect(r.status, `${r.message}\n${r.stderr}`).toBe("ok");
    expect(r.value).toBe("%{mode: :socket, socket: nil, ssl: false}");
  });

  // Each attack is a call reached through the atom; none may run.
  const attacks: Array<[string, string, RegExp]> = [
    ["a literal remote call", ":ssl.start()", /:ssl\.start\/0 is not allowed/],
    ["a literal apply/3", "apply(:socket, :open, [:inet, :stream, :tcp])", /:socket\.open\/3 is not allowed/],
    ["a module held in a variable", "m = :ssl\nm.start()", /:ssl\.start\/0 is not allowed/],
    [
      "a module read from an option",
      "opts = [transport: :socket]\nopts[:transport].open(:inet, :stream, :tcp)",
      /:socket\.open\/3 is not allowed/,
    ],
    [
      "apply/3 with a module from data",
      "m = Enum.at([:socket], 0)\napply(m, :open, [:inet, :stream, :tcp])",
      /:socket\.open\/3 is not allowed/,
    ],
    ["an MFA given to Task", "m = :ssl\nTask.async(m, :start, []) |> Task.await()", /:ssl\.start\/0 is not allowed/],
    ["an MFA given to Agent", "m = :ssl\nAgent.start(m, :start, [])", /:ssl\.start\/1 is not allowed/],
    [
      "a child spec that starts through it",
      "m = :ssl\nSupervisor.start_link([%{id: :x, start: {m, :start, []}}], strategy: :one_for_one)",
      /:ssl\.start\/0 is not allowed/,
    ],
    [
      "an MFA sent to an Agent",
      "{:ok, a} = Agent.start_link(fn -> 0 end)\nm = :ssl\nAgent.get(a, m, :start, [])",
      /:ssl\.start\/1 is not allowed/,
    ],
  ];

  for (const [name, script, message] of attacks) {
    it(`refuses a call through :socket or :ssl: ${name}`, async () => {
      const r = await pool.run({ script });
      expect(r.status, `${r.message}\n${r.stderr}`).toBe("policy_violation");
      expect(r.message).toMatch(message);
    });
  }
});

describe("PartitionSupervisor as a building block", () => {
  it("runs a PartitionSupervisor of DynamicSupervisors as a supervisor's child", async () => {
    const files = [
      {
        name: "rooms.ex",
        source: `
defmodule Room do
  use GenServer
  def start_link(name), do: GenServer.start_link(__MODULE__, name)
  def init(name), do: {:ok, name}
end

defmodule Rooms do
  use Supervisor
  def start_link(_), do: Supervisor.start_link(__MODULE__, :ok, name: __MODULE__)
  def init(:ok), do: Supervisor.init([{PartitionSupervisor, child_spec: DynamicSupervisor, name: Rooms.Partitions, partitions: 2}], strategy: :one_for_one)
  def start_room(name), do: DynamicSupervisor.start_child({:via, PartitionSupervisor, {Rooms.Partitions, name}}, {Room, name})
end
`,
      },
    ];
    const r = await pool.run({
      files,
      script: `{:ok, _} = Rooms.start_link([])\n{:ok, a} = Rooms.start_room("a")\n{:ok, b} = Rooms.start_room("b")\n{is_pid(a) and is_pid(b), PartitionSupervisor.count_children(Rooms.Partitions).specs}`,
    });
    expect(r.status, `${r.message}\n${r.stderr}`).toBe("ok");
    expect(r.value).toBe("{true, 2}");
  });

  it("still refuses a partition child that starts something off the allowlist", async () => {
    const r = await pool.run({
      script:
        "m = :ssl\nSupervisor.start_link([{PartitionSupervisor, child_spec: %{id: :x, start: {m, :start, []}}, name: P}], strategy: :one_for_one)",
    });
    expect(r.status, `${r.message}\n${r.stderr}`).toBe("policy_violation");
    expect(r.message).toMatch(/:ssl\.start\/0 is not allowed/);
  });
});
