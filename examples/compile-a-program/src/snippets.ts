// The example's data: GenServer callbacks that answer a `:work` call, each
// labelled with what the caller of `GenServer.call(server, :work, 1000)`
// experiences. The labels are not opinions: test/labels.test.ts runs every
// snippet on the BEAM and checks that the caller really gets a reply, or
// really exits with :timeout.
import { example } from "@otpforge/core";

export type Outcome = "reply" | "timeout";

export interface Snippet {
  id: string;
  /** Callbacks pasted into a `use GenServer` module whose init/1 returns {:ok, state}. */
  snippet: string;
  outcome: Outcome;
}

export const TRAIN_SNIPPETS: Snippet[] = [
  {
    id: "reply-at-once",
    snippet: `def handle_call(:work, _from, state) do
  {:reply, :done, state}
end`,
    outcome: "reply",
  },
  {
    id: "sleep-then-reply",
    snippet: `def handle_call(:work, _from, state) do
  Process.sleep(2_000)
  {:reply, :done, state}
end`,
    outcome: "timeout",
  },
  {
    id: "noreply-forgotten",
    snippet: `def handle_call(:work, _from, state) do
  {:noreply, state}
end`,
    outcome: "timeout",
  },
  {
    id: "task-replies",
    snippet: `def handle_call(:work, from, state) do
  Task.start(fn ->
    Process.sleep(100)
    GenServer.reply(from, :done)
  end)

  {:noreply, state}
end`,
    outcome: "reply",
  },
  {
    id: "continue-after-reply",
    snippet: `def handle_call(:work, _from, state) do
  {:reply, :accepted, state, {:continue, :slow_part}}
end

def handle_continue(:slow_part, state) do
  Process.sleep(2_000)
  {:noreply, state}
end`,
    outcome: "reply",
  },
  {
    id: "selective-receive",
    snippet: `def handle_call(:work, _from, state) do
  receive do
    :go -> {:reply, :done, state}
  end
end`,
    outcome: "timeout",
  },
  {
    id: "reply-from-timer",
    snippet: `def handle_call(:work, from, state) do
  Process.send_after(self(), {:answer, from}, 200)
  {:noreply, state}
end

def handle_info({:answer, from}, state) do
  GenServer.reply(from, :done)
  {:noreply, state}
end`,
    outcome: "reply",
  },
  {
    id: "late-timer",
    snippet: `def handle_call(:work, from, state) do
  Process.send_after(self(), {:answer, from}, 3_000)
  {:noreply, state}
end

def handle_info({:answer, from}, state) do
  GenServer.reply(from, :done)
  {:noreply, state}
end`,
    outcome: "timeout",
  },
];

export const VAL_SNIPPETS: Snippet[] = [
  {
    id: "timer-sleep",
    snippet: `def handle_call(:work, _from, state) do
  :timer.sleep(1_500)
  {:reply, :done, state}
end`,
    outcome: "timeout",
  },
  {
    id: "short-sleeps",
    snippet: `def handle_call(:work, _from, state) do
  Enum.each(1..5, fn _ -> Process.sleep(20) end)
  {:reply, :done, state}
end`,
    outcome: "reply",
  },
  {
    id: "receive-with-after",
    snippet: `def handle_call(:work, _from, state) do
  receive do
    :go -> :ok
  after
    50 -> :ok
  end

  {:reply, :done, state}
end`,
    outcome: "reply",
  },
  {
    id: "parked-caller",
    snippet: `def handle_call(:work, from, state) do
  {:noreply, Map.put(state, :waiting, from)}
end

def handle_cast(:release, %{waiting: from} = state) do
  GenServer.reply(from, :done)
  {:noreply, Map.delete(state, :waiting)}
end`,
    outcome: "timeout",
  },
  {
    id: "reply-before-sleep",
    snippet: `def handle_call(:work, from, state) do
  GenServer.reply(from, :done)
  Process.sleep(2_000)
  {:noreply, state}
end`,
    outcome: "reply",
  },
  {
    id: "spawned-reply",
    snippet: `def handle_call(:work, from, state) do
  spawn(fn -> GenServer.reply(from, :done) end)
  {:noreply, state}
end`,
    outcome: "reply",
  },
];

/** Snippets as Examples: `snippet` is the input; `outcome` is the label the metric reads. */
export function toExamples(snippets: readonly Snippet[]) {
  return snippets.map((s) => example({ id: s.id, snippet: s.snippet, outcome: s.outcome }).withInputs("snippet"));
}
