defmodule OtpForge.Tracer do
  @moduledoc false
  # Records the message events of a job's processes with the BEAM's tracing
  # (flags follow every process the root spawns) and turns them into events
  # a person or a dataset can read: see OtpForge.TraceEvents.

  @flags [:send, :receive, :procs, :call, :set_on_spawn, :strict_monotonic_timestamp]
  # Monitors and exit signals are calls, not trace events of their own.
  @patterns [{:erlang, :monitor, 2}, {:erlang, :monitor, 3}, {:erlang, :demonitor, 1}, {:erlang, :demonitor, 2}, {:erlang, :exit, 2}]

  def start(max_events) do
    spawn(fn -> loop([], 0, max_events, false) end)
  end

  def trace(tracer, root) do
    for mfa <- @patterns, do: :erlang.trace_pattern(mfa, [{:_, [], [{:return_trace}]}], [:global])
    :erlang.trace(root, true, [{:tracer, tracer} | @flags])
  end

  @doc "Stops tracing the job's processes, waits for every trace message, builds events."
  def stop(tracer, procs, ctx) do
    for p <- procs do
      try do
        :erlang.trace(p, false, [:all])
      rescue
        _ -> :ok
      end
    end

    for mfa <- @patterns, do: :erlang.trace_pattern(mfa, false, [:global])
    ref = :erlang.trace_delivered(:all)

    receive do
      {:trace_delivered, :all, ^ref} -> :ok
    after
      5000 -> :ok
    end

    send(tracer, {:otpforge_collect, self(), ref})

    receive do
      {^ref, raw, truncated} -> {OtpForge.TraceEvents.build(raw, ctx), truncated}
    after
      10_000 -> {[], true}
    end
  end

  defp loop(acc, n, max, truncated) do
    receive do
      {:otpforge_collect, from, ref} ->
        send(from, {ref, Enum.reverse(acc), truncated})

      msg when elem(msg, 0) == :trace_ts ->
        if n < max, do: loop([msg | acc], n + 1, max, truncated), else: loop(acc, n, max, true)

      _ ->
        loop(acc, n, max, truncated)
    end
  end
end
