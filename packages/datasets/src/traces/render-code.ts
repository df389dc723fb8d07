// `process_code`: the Elixir a person would write for the world's GenServers
// and supervisor, in `mix format` style (a test checks it with Code.format_string!).
import { behaviour, type Callback, type Clause } from "./behaviours.js";
import { renderLit } from "@otpforge/otp-signatures";
import type { ProcessSpec, SupervisorSpec, World } from "./world.js";

export const SUPERVISOR_MODULE = "World.Supervisor";

const CALLBACK_ORDER: Callback[] = ["call", "cast", "info"];

export function renderProcessModule(p: ProcessSpec): string {
  const clauses: Clause[] = p.handlers.flatMap((h) => behaviour(h.kind).clauses(p, h));
  const use = p.restart === "permanent" ? "  use GenServer" : `  use GenServer, restart: :${p.restart}`;
  const parts: string[] = [
    use,
    ["  def start_link(initial) do", "    GenServer.start_link(__MODULE__, initial, name: __MODULE__)", "  end"].join("\n"),
    ["  @impl true", "  def init(initial) do", "    {:ok, initial}", "  end"].join("\n"),
  ];
  for (const cb of CALLBACK_ORDER) {
    const group = clauses.filter((c) => c.callback === cb);
    group.forEach((c, i) => parts.push(i === 0 ? `  @impl true\n${c.text}` : c.text));
  }
  return `defmodule ${p.name} do\n${parts.join("\n\n")}\nend\n`;
}

export function renderSupervisorModule(world: World, sup: SupervisorSpec): string {
  const children = sup.children.map((name) => {
    const p = world.processes.find((q) => q.name === name);
    if (!p) throw new Error(`supervisor child ${name} is not a process of the world`);
    return `{${name}, ${renderLit(p.initial)}}`;
  });
  const opts = `strategy: :${sup.strategy}, max_restarts: ${sup.maxRestarts}, max_seconds: ${sup.maxSeconds}`;
  return [
    `defmodule ${SUPERVISOR_MODULE} do`,
    "  use Supervisor",
    "",
    "  def start_link(arg) do",
    "    Supervisor.start_link(__MODULE__, arg, name: __MODULE__)",
    "  end",
    "",
    "  @impl true",
    "  def init(_arg) do",
    "    children = [",
    children.map((c, i) => `      ${c}${i < children.length - 1 ? "," : ""}`).join("\n"),
    "    ]",
    "",
    `    Supervisor.init(children, ${opts})`,
    "  end",
    "end",
    "",
  ].join("\n");
}

/** Every module of the world, each a separate source (compiled in this order). */
export function renderModules(world: World): Array<{ name: string; source: string }> {
  const out = world.processes.map((p) => ({ name: p.name, source: renderProcessModule(p) }));
  if (world.supervisor) out.push({ name: SUPERVISOR_MODULE, source: renderSupervisorModule(world, world.supervisor) });
  return out;
}

/** `process_code`: all modules, separated by blank lines. */
export function renderProcessCode(world: World): string {
  return renderModules(world)
    .map((m) => m.source)
    .join("\n");
}
