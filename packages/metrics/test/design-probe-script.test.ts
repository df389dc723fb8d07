// The pieces of design verification that run no code: finding top
// supervisor candidates in source text, and rendering a problem into the
// probe's Elixir config without letting anything but literals through.
import { describe, expect, it } from "vitest";
import { designProblem, type DesignProblem } from "@otpforge/otp-signatures";
import { buildProbeScript, findTopCandidates, jobTimeoutMs, DEFAULT_PROBE_TIMING } from "../src/internal.js";

describe("findTopCandidates", () => {
  it("ranks the supervisor nobody else starts first, then the others, then Application modules", () => {
    const source = `
defmodule My.App do
  use Application
  def start(_t, _a), do: My.Top.start_link([])
end
defmodule My.Workers do
  use Supervisor
end
defmodule My.Top do
  use Supervisor
  def init(_), do: Supervisor.init([My.Workers], strategy: :one_for_one)
end
defmodule My.Worker do
  use GenServer
end
`;
    expect(findTopCandidates(source)).toEqual([
      { kind: "supervisor", module: "My.Top" },
      { kind: "supervisor", module: "My.Workers" },
      { kind: "application", module: "My.App" },
    ]);
  });

  it("finds nothing in code without supervisors", () => {
    expect(findTopCandidates("defmodule A do\n  use GenServer\nend\n")).toEqual([]);
  });
});

describe("buildProbeScript", () => {
  it("renders requirements as Elixir data for the probe", () => {
    const script = buildProbeScript(designProblem("chat-rooms"), [{ kind: "supervisor", module: "Chat.Sup" }]);
    expect(script).toContain("defmodule OtpforgeDesignProbe do");
    // The conventional top first, then the fallbacks, each started through a closure with a literal module.
    expect(script).toMatch(/tops: \[\n    %\{module: "Chat\.Supervisor", via: "convention", defined: function_exported\?\(Chat\.Supervisor, :start_link, 1\)/);
    expect(script).toContain('%{module: "Chat.Sup", via: "fallback"');
    expect(script).toContain("start: fn opts -> if function_exported?(Chat.Sup, :start_link, 1), do: Chat.Sup.start_link(opts), else: Chat.Sup.start_link() end}");
    expect(script).toContain(
      '%{id: "room-per-name", kind: :registry, registry: Chat.Registry, ensure: {"Chat.ensure_room", fn arg -> Chat.ensure_room(arg) end}, keys: ["lobby", "elixir"], sup: {:name, Chat.RoomSupervisor}}',
    );
    expect(script).toContain('setup: [{"Chat.ensure_room(\\"lobby\\")", fn -> Chat.ensure_room("lobby") end}');
    expect(script).toContain('kill: {:registry, Chat.Registry, "lobby"}, restarted: true');
    expect(script.trimEnd().endsWith("})")).toBe(true);
  });

  it("refuses a problem that slipped code past validation", () => {
    const p = structuredClone(designProblem("query-cache")) as DesignProblem;
    p.startOptions = "[ttl_ms: File.rm!(\"x\")]";
    expect(() => buildProbeScript(p, [])).toThrow(/startOptions: .* is not a plain Elixir literal/);
    const q = structuredClone(designProblem("query-cache")) as DesignProblem;
    q.topModule = "QueryCache.Supervisor; System.halt()";
    expect(() => buildProbeScript(q, [])).toThrow(/topModule: .* is not an Elixir module name/);
  });

  it("budgets the job time from the requirements (longer for expiry and escalation)", () => {
    const plain = jobTimeoutMs(designProblem("game-session"), DEFAULT_PROBE_TIMING);
    const timers = jobTimeoutMs(designProblem("query-cache"), DEFAULT_PROBE_TIMING);
    expect(plain).toBeGreaterThan(30_000);
    expect(timers).toBeGreaterThan(jobTimeoutMs({ ...designProblem("query-cache"), requirements: designProblem("query-cache").requirements.slice(1) }, DEFAULT_PROBE_TIMING));
  });
});
