defmodule OtpForge.Trace.Driver do
  @moduledoc false
  # Plays a world's schedule from a fresh "System" process and records what the
  # BEAM did. Observation uses Erlang tracing (calls of the world modules'
  # callbacks, message arrivals, exits), so the world's own code stays as a
  # person would write it. Quiescence waits after each step make the outcome
  # independent of scheduling; each run perturbs timing and start order (seeded)
  # so that a world which is not deterministic shows it across runs.

  @flags [:call, :receive, :procs, :set_on_spawn, :strict_monotonic_timestamp]
  @callbacks [:init, :handle_call, :handle_cast, :handle_info]
  @settle_polls 3000
  @yield_polls 50
  # A run whose scheduler latency exceeded this (ms) may have broken the
  # schedule's 30 ms timing margins: its observation is not trusted.
  @max_lag_ms 15
  @watch_period_ms 5

  def max_lag_ms, do: @max_lag_ms

  @doc "Runs the world once per seed; returns one observation per run."
  def run_many(world, seeds) do
    previous = Logger.level()
    # Crash reports are expected here; they would only flood the output. (A
    # batch sets this once for all the worlds it runs at the same time.)
    if previous != :none, do: Logger.configure(level: :none)

    try do
      Enum.map(seeds, fn seed -> run_trusted(world, seed, 3) end)
    after
      if previous != :none, do: Logger.configure(level: previous)
    end
  end

  @doc """
  One run whose timing could be trusted (see @max_lag_ms), trying up to
  `attempts` times on a busy machine; the last run if none could.
  """
  def run_trusted(world, seed, attempts \\ 5) do
    obs = run_isolated(world, seed)

    cond do
      obs.lag_ms <= @max_lag_ms -> obs
      attempts <= 1 -> obs
      true -> run_trusted(world, seed, attempts - 1)
    end
  end

  defp run_isolated(world, seed) do
    parent = self()
    {pid, ref} = spawn_monitor(fn -> send(parent, {:observed, self(), run(world, seed)}) end)

    receive do
      {:observed, ^pid, obs} ->
        Process.demonitor(ref, [:flush])
        obs

      {:DOWN, ^ref, :process, ^pid, reason} ->
        raise "the trace driver crashed: #{inspect(reason)}"
    end
  end

  @doc """
  One run of the world in the calling process, which plays System. `clock`
  decides how time passes and how System acts: nil in real time (replays, the
  perturbed runs); the generator's explorer passes a module of its own
  (OtpForge.Trace.Explored) whose waits are virtual and whose steps are choice points.
  """
  def run(world, seed, clock \\ nil) do
    Process.flag(:trap_exit, true)
    :rand.seed(:exsss, {seed, 7, 11})
    collector = spawn(fn -> collect([]) end)
    modules = all_modules(world)

    for m <- modules, f <- @callbacks do
      :erlang.trace_pattern({m, f, :_}, [{:_, [], [{:exception_trace}]}], [:global])
    end

    start = :erlang.monotonic_time(:millisecond)
    watchdog = if world.end_at > 0 and clock == nil, do: spawn_link(fn -> watch(now_ms(), 0) end)
    :erlang.trace(self(), true, [{:tracer, collector} | @flags])
    start_world(world, clock)
    :erlang.trace(self(), false, @flags)
    saved = Map.new(world.names, fn name -> {name, Process.whereis(name)} end)
    settle(world, clock)

    {calls, marks} =
      world.steps
      |> Enum.with_index(1)
      |> Enum.reduce({%{}, []}, fn {step, i}, {calls, marks} ->
        {at, op, _target, _via, _msg, wait} = step
        wait_until(start, at, clock)
        if clock == nil, do: jitter()
        marks = [mark() | marks]
        result = perform(step, saved, clock)
        if wait, do: settle(world, clock)
        calls = if op == :call, do: Map.put(calls, i, result), else: calls
        {calls, marks}
      end)

    wait_until(start, world.end_at, clock)
    settle(world, clock)
    marks = Enum.reverse([mark() | marks])
    final = Map.new(world.names, fn name -> {name, final_state(name)} end)

    for m <- modules, do: :erlang.trace_pattern({m, :_, :_}, false, [:global])
    events = dump(collector, clock)
    # (Under the explorer the run's processes go when the schedule ends; waiting here for their
    # :DOWNs would look to it like every process blocked: a deadlock.)
    if clock == nil, do: teardown(world)

    %{calls: calls, final: final, marks: marks, events: events, lag_ms: stop_watch(watchdog)}
  end

  defp all_modules(world), do: world.names ++ List.wrap(world.supervisor)

  defp now_ms, do: :erlang.monotonic_time(:millisecond)

  # Sleeps in short periods and keeps the worst oversleep: how long a
  # runnable process had to wait for a scheduler during the run.
  defp watch(last, worst) do
    receive do
      {:stop, from} -> send(from, {:lag, worst})
    after
      @watch_period_ms ->
        now = now_ms()
        watch(now, max(worst, now - last - @watch_period_ms))
    end
  end

  defp stop_watch(nil), do: 0

  defp stop_watch(pid) do
    send(pid, {:stop, self()})
    receive(do: ({:lag, worst} -> worst))
  end

  defp start_world(world, clock) do
    unsupervised = Enum.reject(world.names, &(&1 in world.supervised))
    starters = Enum.map(unsupervised, fn name -> {:server, name} end)

    starters =
      if world.supervisor, do: [{:supervisor, world.supervisor} | starters], else: starters

    # Independent processes start in a random order: nothing may depend on it. (Under the
    # explorer the order is the world's: their inits are choice points there.)
    for starter <- if(clock, do: starters, else: shuffle(starters)) do
      case starter do
        {:supervisor, sup} ->
          {:ok, _} = sup.start_link(:ok)

        {:server, name} ->
          {:ok, _} = GenServer.start(name, Map.fetch!(world.initial, name), name: name)
      end
    end
  end

  # System's operations; with a clock module, through it (OtpForge.Trace.Explored makes them choice points).
  defp perform({_at, :call, target, via, msg, _wait}, saved, clock) do
    try do
      {:ok, op(clock, GenServer, :call, [dest(target, via, saved), msg])}
    catch
      :exit, reason -> {:exit, reason}
    end
  end

  defp perform({_at, :cast, target, via, msg, _wait}, saved, clock) do
    op(clock, GenServer, :cast, [dest(target, via, saved), msg])
  end

  defp perform({_at, :send, target, via, msg, _wait}, saved, clock) do
    try do
      op(clock, Kernel, :send, [dest(target, via, saved), msg])
      :ok
    rescue
      ArgumentError -> :badarg
    end
  end

  defp perform({_at, :kill, target, _via, _msg, _wait}, _saved, clock) do
    case Process.whereis(target) do
      nil -> :noproc
      pid -> op(clock, Process, :exit, [pid, :kill])
    end
  end

  defp op(nil, mod, fun, args), do: apply(mod, fun, args)
  defp op(clock, mod, fun, args), do: clock.op(mod, fun, args)

  defp dest(target, :name, _saved), do: target
  defp dest(target, :stale_pid, saved), do: Map.fetch!(saved, target)

  defp final_state(name) do
    case Process.whereis(name) do
      nil ->
        :dead

      pid ->
        try do
          {:alive, :sys.get_state(pid, 1000)}
        catch
          :exit, _ -> :dead
        end
    end
  end

  # A point in the trace's own clock: events after it belong to the next step.
  defp mark, do: {:erlang.monotonic_time(:nanosecond), :erlang.unique_integer([:monotonic])}

  defp wait_until(start, at, nil) do
    left = start + at - :erlang.monotonic_time(:millisecond)
    if left > 0, do: Process.sleep(left)
  end

  defp wait_until(_start, at, clock), do: clock.wait_until(at)

  # A small, seeded perturbation before each step.
  defp jitter do
    case :rand.uniform(8) do
      1 -> Process.sleep(1)
      2 -> :ok
      _ -> :erlang.yield()
    end
  end

  defp shuffle(list),
    do: list |> Enum.map(&{:rand.uniform(), &1}) |> Enum.sort() |> Enum.map(&elem(&1, 1))

  # Quiescence: every process of the world is idle (see idle?/1),
  # twice in a row with no reductions in between (so no message was in flight),
  # and no process that belonged to the world is still exiting (a dying process
  # keeps its name and sends its exit signals for a moment after it stopped).
  # (Under the explorer a virtual wait of no time ends only once nothing else can move: that is quiescence.)
  defp settle(world, nil), do: poll_settled(world, 0)
  defp settle(_world, clock), do: clock.settle()

  defp poll_settled(_world, n) when n >= @settle_polls, do: :gave_up

  defp poll_settled(world, n) do
    first = activity(world)
    :erlang.yield()
    second = activity(world)

    if first == second and Enum.all?(first, &idle?/1) and in_loops?(world) and not exiting?() do
      :ok
    else
      # Yielding lets the world's processes run; sleeping (1 ms, often far
      # more on a busy machine) only once they take long.
      if n < @yield_polls, do: :erlang.yield(), else: Process.sleep(1)
      poll_settled(world, n + 1)
    end
  end

  defp activity(world) do
    for name <- all_modules(world) do
      case Process.whereis(name) do
        nil ->
          nil

        pid ->
          remember(pid)
          # nil for a process that is exiting but still registered
          Process.info(pid, [:status, :message_queue_len, :reductions]) || :exiting
      end
    end
  end

  defp remember(pid) do
    known = Process.get(:trace_world_pids, MapSet.new())
    unless MapSet.member?(known, pid), do: Process.put(:trace_world_pids, MapSet.put(known, pid))
  end

  # erlang:processes/0 still lists a process that is exiting; is_process_alive/1 does not.
  defp exiting? do
    known = Process.get(:trace_world_pids, MapSet.new())

    case Enum.reject(known, &Process.alive?/1) do
      [] ->
        false

      dead ->
        existing = MapSet.new(:erlang.processes())
        {still, gone} = Enum.split_with(dead, &MapSet.member?(existing, &1))
        Process.put(:trace_world_pids, MapSet.difference(known, MapSet.new(gone)))
        still != []
    end
  end

  defp idle?(nil), do: true
  defp idle?(:exiting), do: false

  defp idle?(info), do: info[:status] == :waiting and info[:message_queue_len] == 0

  # Each process waits in the GenServer receive loop or is blocked inside a
  # GenServer.call. Waiting anywhere else (e.g. on the code server while a
  # crash report loads modules) means it has not finished reacting yet. Asked
  # separately, after the activity snapshots: answering it may wake the process.
  defp in_loops?(world) do
    Enum.all?(all_modules(world), fn name ->
      case Process.whereis(name) do
        nil ->
          true

        pid ->
          case Process.info(pid, :current_function) do
            {:current_function, {m, f, _}} ->
              {m, f} in [{:gen_server, :loop}, {:gen, :do_call}, {:erlang, :hibernate}]

            nil ->
              false
          end
      end
    end)
  end

  defp teardown(world) do
    pids = for name <- all_modules(world), pid = Process.whereis(name), pid != nil, do: pid
    refs = for pid <- pids, do: {Process.monitor(pid), pid}
    for pid <- pids, do: Process.exit(pid, :kill)
    for {ref, _pid} <- refs, do: receive(do: ({:DOWN, ^ref, _, _, _} -> :ok))
    wait_unregistered(all_modules(world), 1000)
    flush()
  end

  defp wait_unregistered(_names, 0), do: :ok

  defp wait_unregistered(names, n) do
    if Enum.any?(names, &Process.whereis/1) do
      Process.sleep(1)
      wait_unregistered(names, n - 1)
    end
  end

  defp flush do
    receive do
      _ -> flush()
    after
      0 -> :ok
    end
  end

  defp collect(acc) do
    receive do
      {:dump, from} -> send(from, {:trace_events, Enum.reverse(acc)})
      event -> collect([event | acc])
    end
  end

  defp dump(collector, clock) do
    ref = :erlang.trace_delivered(:all)
    # The runtime's answer comes from outside the run: under the explorer, a wait for it in a
    # receive would look like every process blocked, so it is polled there.
    if clock, do: poll_delivered(ref), else: receive(do: ({:trace_delivered, :all, ^ref} -> :ok))
    send(collector, {:dump, self()})
    receive(do: ({:trace_events, events} -> events))
  end

  defp poll_delivered(ref) do
    receive do
      {:trace_delivered, :all, ^ref} -> :ok
    after
      0 ->
        :erlang.yield()
        poll_delivered(ref)
    end
  end
end
