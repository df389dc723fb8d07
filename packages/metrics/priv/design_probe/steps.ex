# Timed scenarios against a live tree (project code, run in the skeleton's
# sandboxed job): steps are calls through the skeleton's API compared with
# patterns, waits, kills. Every step leaves a line in a transcript, so a
# failure says what was called, what came back and what was expected, in
# order and with the time since the check began.
defmodule OtpForge.DesignProbe.Steps do
  alias OtpForge.DesignProbe.Tree
  import OtpForge.DesignProbe.Observe

  # {:ok, transcript} or {:fail, transcript ending with the failed step}.
  def run(steps, top, cfg) do
    Enum.reduce_while(steps, {:ok, []}, fn step, {:ok, log} ->
      case step(step, top, cfg) do
        {:ok, line} -> {:cont, {:ok, log ++ [stamp(line)]}}
        {:fail, why} -> {:halt, {:fail, transcript(log ++ [stamp("FAILED: " <> why)])}}
      end
    end)
  end

  # The last lines of a transcript (a long scenario keeps its end, where it failed).
  def transcript(lines) do
    lines = if length(lines) > 8, do: ["..." | Enum.take(lines, -8)], else: lines
    Enum.join(lines, "; ")
  end

  def mark_start, do: Process.put(:otpforge_t0, :erlang.monotonic_time(:millisecond))

  def stamp(line) do
    t0 = Process.get(:otpforge_t0) || :erlang.monotonic_time(:millisecond)
    "[t+#{:erlang.monotonic_time(:millisecond) - t0}ms] #{line}"
  end

  defp step({:call, text, fun, nil}, _top, cfg) do
    case call({text, fun}, cfg) do
      {:ok, v} -> {:ok, "#{text} -> #{Tree.short(v)}"}
      {:error, why} -> {:fail, why}
    end
  end

  defp step({:call, text, fun, {shown, match}}, _top, cfg) do
    case call({text, fun}, cfg) do
      {:ok, v} ->
        if match.(v),
          do: {:ok, "#{text} -> #{Tree.short(v)}"},
          else: {:fail, "#{text} returned #{Tree.short(v)}, expected #{shown}"}

      {:error, why} ->
        {:fail, "#{why}, expected #{shown}"}
    end
  end

  # Polls until the reply matches; a call that fails meanwhile (a process
  # between restarts) counts as not yet.
  defp step({:eventually, text, fun, {shown, match}, ms}, _top, cfg) do
    started = now()
    deadline = started + ms

    case poll_reply(deadline, fn -> call({text, fun}, cfg) end, match, nil) do
      {:matched, v} ->
        {:ok, "#{text} -> #{Tree.short(v)} after #{now() - started} ms"}

      {:timeout, last} ->
        {:fail,
         "#{text} still returned #{last_text(last)} after #{ms} ms, expected #{shown} by then"}
    end
  end

  # Every reply for `ms` must match: a state that must persist.
  defp step({:stays, text, fun, {shown, match}, ms}, _top, cfg) do
    started = now()

    case hold(started + ms, fn -> call({text, fun}, cfg) end, match, 0) do
      {:held, n} ->
        {:ok, "#{text} kept returning #{shown} for #{ms} ms (#{n} calls)"}

      {:broke, reply} ->
        {:fail,
         "#{text} returned #{last_text(reply)} #{now() - started} ms later, expected it to stay #{shown}"}
    end
  end

  defp step({:wait, ms}, _top, _cfg) do
    Process.sleep(ms)
    {:ok, "waited #{ms} ms"}
  end

  defp step({:kill, ref}, top, _cfg) do
    case Tree.resolve(ref, top) do
      {:ok, pid} ->
        kill(pid)
        {:ok, "killed #{Tree.describe_ref(ref)}"}

      {:error, why} ->
        {:fail, "could not kill #{Tree.describe_ref(ref)}: #{why}"}
    end
  end

  defp step({:running, ref, ms}, top, _cfg) do
    if wait_until(ms, fn -> match?({:ok, _}, Tree.resolve(ref, top)) end),
      do: {:ok, "#{Tree.describe_ref(ref)} is running"},
      else:
        {:fail,
         "#{Tree.describe_ref(ref)} was not running within #{ms} ms: #{elem(Tree.resolve(ref, top), 1)}"}
  end

  defp poll_reply(deadline, call, match, last) do
    reply = call.()

    cond do
      match?({:ok, _}, reply) and match.(elem(reply, 1)) ->
        {:matched, elem(reply, 1)}

      now() >= deadline ->
        {:timeout, reply || last}

      true ->
        Process.sleep(10)
        poll_reply(deadline, call, match, reply)
    end
  end

  defp hold(deadline, call, match, n) do
    reply = call.()

    cond do
      not (match?({:ok, _}, reply) and match.(elem(reply, 1))) ->
        {:broke, reply}

      now() >= deadline ->
        {:held, n + 1}

      true ->
        Process.sleep(20)
        hold(deadline, call, match, n + 1)
    end
  end

  defp last_text({:ok, v}), do: Tree.short(v)
  defp last_text({:error, why}), do: "an error (#{why})"
  defp last_text(nil), do: "nothing"

  defp now, do: :erlang.monotonic_time(:millisecond)
end
