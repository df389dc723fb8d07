defmodule FixBugSuite do
  # Shared by the pass-to-pass suites of the catalog (suite.exs beside each
  # pair). A suite's Scenario.run/0 returns :ok or {:error, {check, detail}},
  # where check names what failed. Inputs come from :rand, which the grader
  # seeds once per run, so the same seed replays the same inputs and an
  # answer hard-coded to one run's inputs fails the next.

  @doc "Runs a suite, then checks that the code under test left no stray process behind."
  def run(suite) do
    baseline = Process.list()
    names = Process.registered()

    case suite.() do
      :ok -> no_strays(baseline, names)
      other -> other
    end
  end

  @doc "A random element of a list."
  def pick(list), do: Enum.random(list)

  @doc "A random integer in lo..hi."
  def int(lo, hi), do: lo + :rand.uniform(hi - lo + 1) - 1

  @doc "A random lowercase word (a string, never an atom)."
  def word(len \\ 6), do: for(_ <- 1..len, into: "", do: <<int(?a, ?z)>>)

  @doc ":ok when actual == expected, else {:error, {check, %{expected: .., got: ..}}}."
  def expect(check, actual, expected) do
    if actual == expected, do: :ok, else: {:error, {check, %{expected: expected, got: actual}}}
  end

  @doc "Calls fun; an exit or a raise becomes {:error, {check, reason}} instead of ending the suite."
  def call(check, fun) do
    {:ok, fun.()}
  rescue
    error -> {:error, {check, {:raised, error}}}
  catch
    :exit, reason -> {:error, {check, {:exit, reason}}}
  end

  @doc "Runs fun in a task; {:ok, value}, or {:error, {check, :no_answer_within_ms}} after ms."
  def within(check, ms, fun) do
    task = Task.async(fn -> call(check, fun) end)

    case Task.yield(task, ms) || Task.shutdown(task, :brutal_kill) do
      {:ok, {:ok, value}} -> {:ok, value}
      {:ok, error} -> error
      nil -> {:error, {check, {:no_answer_within_ms, ms}}}
      {:exit, reason} -> {:error, {check, {:exit, reason}}}
    end
  end

  @doc "Polls fun every 5 ms until it returns true, for at most ms; :ok or {:error, {check, :never}}."
  def eventually(check, ms, fun) do
    deadline = System.monotonic_time(:millisecond) + ms
    poll(check, deadline, fun)
  end

  defp poll(check, deadline, fun) do
    cond do
      fun.() -> :ok
      System.monotonic_time(:millisecond) > deadline -> {:error, {check, :condition_never_held}}
      true -> Process.sleep(5) && poll(check, deadline, fun)
    end
  end

  # The suite has returned: every process the code started is either reachable
  # from a name it registered (stopped here, which takes linked children with
  # it) or a stray (a leaked server, an orphaned worker).
  defp no_strays(baseline, names) do
    for name <- Process.registered() -- names,
        job_name?(name),
        pid = Process.whereis(name),
        pid != self() do
      Process.unlink(pid)
      Process.exit(pid, :kill)
    end

    deadline = System.monotonic_time(:millisecond) + 500
    settle(baseline, deadline)
  end

  defp settle(baseline, deadline) do
    strays = Enum.filter(Process.list() -- baseline, &(&1 != self() and Process.alive?(&1)))

    cond do
      strays == [] ->
        :ok

      System.monotonic_time(:millisecond) > deadline ->
        {:error, {:stray_processes, length(strays)}}

      true ->
        Process.sleep(10) && settle(baseline, deadline)
    end
  end

  defp job_name?(name), do: String.starts_with?(Atom.to_string(name), "Elixir.")
end
