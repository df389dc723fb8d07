// Answers a scripted scenario generator gives in tests: each kind of answer
// the checks must tell apart. The code is real Elixir, judged on the BEAM by
// the tests (nothing here says which verdict an answer gets).
import { hashValue } from "@otpforge/core";
import { chatFields, chatReply } from "@otpforge/core/testing";
import { catalogEntry } from "@otpforge/otp-signatures";

export interface ScenarioAnswer {
  buggy_code?: string;
  fixed_code?: string;
  explanation?: string;
  harness?: string;
}

/** A GenServer whose callback calls its own public API (the calling_self exit), or computes from its state (fixed). */
function selfCaller(module: string, fixed: boolean, style: "plain" | "renamed" = "plain"): string {
  const [st, acc] = style === "plain" ? ["entries", "n"] : ["people", "count"];
  const body = fixed ? `length(${st})` : `${module}.members() |> Enum.reduce(0, fn _, ${acc} -> ${acc} + 1 end)`;
  const fixedBody = fixed ? `Enum.reduce(${st}, 0, fn _, ${acc} -> ${acc} + 1 end)` : body;
  return `defmodule ${module} do
  use GenServer
${style === "renamed" ? "  # the same code with other variable names and layout\n" : ""}
  def start, do: GenServer.start(__MODULE__, [], name: __MODULE__)
  def join(who), do: GenServer.call(__MODULE__, {:join, who})
  def members, do: GenServer.call(__MODULE__, :members)
  def size, do: GenServer.call(__MODULE__, :size, 300)

  @impl true
  def init(${st}), do: {:ok, ${st}}

  @impl true
  def handle_call({:join, who}, _from, ${st}), do: {:reply, :ok, [who | ${st}]}
  def handle_call(:members, _from, ${st}), do: {:reply, ${st}, ${st}}
  def handle_call(:size, _from, ${st}), do: {:reply, ${fixedBody}, ${st}}
end
`;
}

function selfCallerHarness(module: string): string {
  return `defmodule Scenario do
  def run do
    {:ok, _} = ${module}.start()
    for who <- [:ann, :bob, :cy], do: :ok = ${module}.join(who)
    try do
      case ${module}.size() do
        3 -> :ok
        other -> {:error, {:wrong_size, other}}
      end
    catch
      :exit, reason -> {:error, {:size_failed, reason}}
    end
  end
end
`;
}

/** A tally whose two versions behave alike: no bug for the harness to show. */
function sameBehaviour(fixed: boolean): string {
  return `defmodule Tally do
  use GenServer
  def start, do: GenServer.start(__MODULE__, 0, name: __MODULE__)
  def bump, do: GenServer.call(__MODULE__, :bump)
  @impl true
  def init(n), do: {:ok, n}
  @impl true
  def handle_call(:bump, _from, n) do
    ${fixed ? "next = n + 1\n    {:reply, next, next}" : "{:reply, n + 1, n + 1}"}
  end
end
`;
}

const tallyHarness = `defmodule Scenario do
  def run do
    {:ok, _} = Tally.start()
    results = for _ <- 1..20, do: Tally.bump()
    if results == Enum.to_list(1..20), do: :ok, else: {:error, {:lost, results}}
  end
end
`;

/**
 * Which greeting a process receives first: its own, sent at once, or a
 * helper's, sent after some work. On the real scheduler its own always comes
 * first, so random runs never show the bug; the explorer finds the schedule in
 * which the helper runs first. The fix waits for its own greeting by name.
 */
function greeter(fixed: boolean): string {
  return `defmodule Greeter do
  def first do
    parent = self()

    spawn(fn ->
      _ = Enum.sum(1..20_000)
      send(parent, :late)
    end)

    send(self(), :early)

    receive do
      ${fixed ? ":early -> :early" : "greeting -> greeting"}
    end
  end
end
`;
}

const greeterHarness = `defmodule Scenario do
  def run do
    case Greeter.first() do
      :early -> :ok
      other -> {:error, {:first_greeting, other}}
    end
  end
end
`;

const explanation =
  "size/0's callback calls members/0, a GenServer.call to the process that is running the callback: OTP exits with :calling_self. The fix reads the state it already holds.";

/** The answers by kind. */
export function scriptedScenarioAnswers(): Record<string, ScenarioAnswer> {
  const cs = catalogEntry("calling-self");
  return {
    "valid-a": {
      buggy_code: selfCaller("Lobby", false),
      fixed_code: selfCaller("Lobby", true),
      explanation,
      harness: selfCallerHarness("Lobby"),
    },
    "valid-b": {
      buggy_code: selfCaller("Roster", false),
      fixed_code: selfCaller("Roster", true),
      explanation,
      harness: selfCallerHarness("Roster"),
    },
    // valid-a again, up to comments, layout and variable names.
    "dup-a": {
      buggy_code: selfCaller("Lobby", false, "renamed"),
      fixed_code: selfCaller("Lobby", true, "renamed"),
      explanation,
      harness: selfCallerHarness("Lobby"),
    },
    "no-bug": {
      buggy_code: sameBehaviour(false),
      fixed_code: sameBehaviour(true),
      explanation: "bump/0 could lose updates.",
      harness: tallyHarness,
    },
    "rare-race": {
      buggy_code: greeter(false),
      fixed_code: greeter(true),
      explanation: "first/0 takes whatever message comes first; the helper's :late can arrive before :early.",
      harness: greeterHarness,
    },
    // The "fix" still calls its own API.
    "fix-fails": {
      buggy_code: selfCaller("Guild", false),
      fixed_code: selfCaller("Guild", false).replace("def size,", "def size(),"),
      explanation,
      harness: selfCallerHarness("Guild"),
    },
    policy: {
      buggy_code: selfCaller("Vault", false).replace(
        "def init(entries), do: {:ok, entries}",
        'def init(entries), do: {:ok, [File.read!("/etc/passwd") | entries]}',
      ),
      fixed_code: selfCaller("Vault", true),
      explanation,
      harness: selfCallerHarness("Vault"),
    },
    "no-parse": {
      buggy_code: "defmodule Broken do\n  def start( do: :ok\n",
      fixed_code: selfCaller("Broken", true),
      explanation,
      harness: selfCallerHarness("Broken"),
    },
    "catalog-copy": { buggy_code: cs.buggy, fixed_code: cs.fixed, explanation: cs.explanation, harness: cs.harness },
    malformed: { buggy_code: selfCaller("Queue", false), fixed_code: selfCaller("Queue", true), explanation },
  };
}

/** A module name of the prompt's own (so each anti-pattern's pair is its own program). */
function moduleNameOf(text: string): string {
  return (
    "Svc" +
    hashValue(text)
      .slice(0, 6)
      .replace(/[0-9]/g, (d) => "ABCDEFGHIJ"[Number(d)]!)
      .toUpperCase()
  );
}

/** A pair that verifies (the calling_self bug) with a module named after `text`. */
export function validScenarioFor(text: string): Record<string, string> {
  const a = scriptedScenarioAnswers()["valid-a"]!;
  const name = moduleNameOf(text);
  const rename = (t: string) => t.replaceAll("Lobby", name);
  return { buggy_code: rename(a.buggy_code!), fixed_code: rename(a.fixed_code!), explanation: a.explanation!, harness: rename(a.harness!) };
}

/**
 * A scripted scenario generator whose demos matter, as the reply to a chat
 * prompt: with a demo whose bug never shows (the Tally pair) it writes such a
 * pair; with a demo of the calling_self pattern it writes a verifying pair;
 * with neither, a verifying pair for one anti-pattern in three (by a hash of
 * the anti-pattern). Whether a pair verifies is for the BEAM to say.
 */
export function demoAwareScenarioReply(messages: ReadonlyArray<{ role: string; content: string }>): string {
  const users = messages.map((m, i) => ({ m, i })).filter(({ m }) => m.role === "user");
  const query = chatFields(users.at(-1)?.m.content ?? "").anti_pattern ?? "";
  const demos = users.slice(0, -1).map(({ i }) => chatFields(messages[i + 1]?.content ?? "").buggy_code ?? "");
  const good = demos.some((d) => d.includes(".members() |> Enum.reduce"));
  const bad = demos.some((d) => d.includes("defmodule Tally"));
  const lucky = parseInt(hashValue(query).slice(0, 8), 16) / 0xffffffff < 1 / 3;
  return chatReply(
    bad
      ? (scriptedScenarioAnswers()["no-bug"] as Record<string, string>)
      : good || lucky
        ? validScenarioFor(query)
        : (scriptedScenarioAnswers()["no-bug"] as Record<string, string>),
  );
}
