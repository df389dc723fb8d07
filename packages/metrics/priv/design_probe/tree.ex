# Live supervision-tree inspection for the design metric (project code).
#
# Everything here talks to processes started by a model-written skeleton, so
# every call has a timeout and every failure becomes a sentence: a probe that
# hangs or raises would hide the real verdict about the design. The probe runs
# in the same sandboxed job as the skeleton and obeys the same policy: no
# calls on modules held in variables (the caller passes closures with literal
# calls instead), only allowlisted OTP functions.
defmodule OtpForge.DesignProbe.Tree do
  @call_timeout 2_000
  @strategies [:one_for_one, :one_for_all, :rest_for_one, :simple_one_for_one]

  # ---- starting and stopping the tree -------------------------------------

  # Starts the top supervisor from a throwaway process that traps exits, so a
  # failing init (which sends an exit signal on OTP 25) cannot take the probe
  # down, then unlinks the tree so its later death is observed, not inherited.
  # `top` is %{label: "Shop.Supervisor.start_link/1", start: fn opts -> ... end}.
  def start(top, opts, timeout_ms) do
    parent = self()
    ref = make_ref()

    starter =
      spawn(fn ->
        Process.flag(:trap_exit, true)

        result =
          try do
            {:returned, top.start.(opts)}
          catch
            kind, reason -> {:raised, kind, reason}
          end

        case result do
          {:returned, {:ok, pid}} when is_pid(pid) -> Process.unlink(pid)
          {:returned, {:ok, pid, _info}} when is_pid(pid) -> Process.unlink(pid)
          _ -> :ok
        end

        send(parent, {ref, result})
      end)

    receive do
      {^ref, {:returned, {:ok, pid}}} when is_pid(pid) ->
        {:ok, pid}

      {^ref, {:returned, {:ok, pid, _}}} when is_pid(pid) ->
        {:ok, pid}

      {^ref, {:returned, {:error, {:already_started, _}} = other}} ->
        {:error,
         "#{top.label} returned #{short(other)}: something started it already (code at the top level of the file?); a skeleton should only define modules"}

      {^ref, {:returned, other}} ->
        {:error, "#{top.label} returned #{short(other)}"}

      {^ref, {:raised, kind, reason}} ->
        {:error, "#{top.label} raised #{format_error(kind, reason)}"}
    after
      timeout_ms ->
        Process.exit(starter, :kill)
        {:error, "#{top.label} did not return within #{timeout_ms} ms (blocking init?)"}
    end
  end

  # Stops a tree and waits until it is gone, so the next check can reuse the
  # registered names. A tree that refuses an orderly stop is killed.
  def stop(pid) when is_pid(pid) do
    ref = Process.monitor(pid)

    try do
      Supervisor.stop(pid, :shutdown, 5_000)
    catch
      _, _ -> Process.exit(pid, :kill)
    end

    receive do
      {:DOWN, ^ref, :process, _, _} -> :ok
    after
      5_000 -> :ok
    end

    flush_exits()
  end

  def flush_exits do
    receive do
      {:EXIT, _, _} -> flush_exits()
    after
      0 -> :ok
    end
  end

  # ---- what kind of process is this ----------------------------------------

  # DynamicSupervisor (and Task.Supervisor) keep an Elixir struct; :supervisor
  # keeps a record whose first fields have been stable since OTP 21:
  # {:state, name, strategy, children, dynamics, intensity, period, ...}.
  def sup_info(pid) do
    case safe_state(pid) do
      {:ok, %{__struct__: DynamicSupervisor} = s} ->
        {:ok,
         %{
           type: :dynamic,
           strategy: s.strategy,
           max_restarts: s.max_restarts,
           max_seconds: s.max_seconds,
           max_children: s.max_children
         }}

      {:ok, state} when is_tuple(state) and tuple_size(state) >= 7 and elem(state, 0) == :state ->
        strategy = elem(state, 2)
        intensity = elem(state, 5)
        period = elem(state, 6)

        if strategy in @strategies and is_integer(intensity) and is_integer(period) and
             static_supervisor?(pid) do
          {:ok,
           %{
             type: :static,
             strategy: strategy,
             max_restarts: intensity,
             max_seconds: period,
             max_children: :infinity
           }}
        else
          {:error, "#{label(pid)} is not a supervisor"}
        end

      {:ok, _} ->
        {:error, "#{label(pid)} is not a supervisor"}

      {:error, why} ->
        {:error, why}
    end
  end

  defp static_supervisor?(pid) do
    case Process.info(pid, :dictionary) do
      {:dictionary, dict} -> match?({:supervisor, _, _}, Keyword.get(dict, :"$initial_call"))
      _ -> false
    end
  end

  def safe_state(pid) do
    try do
      {:ok, :sys.get_state(pid, @call_timeout)}
    catch
      :exit, reason -> {:error, "could not read the state of #{label(pid)}: #{short(reason)}"}
    end
  end

  def children(sup) do
    try do
      {:ok, GenServer.call(sup, :which_children, @call_timeout)}
    catch
      :exit, reason -> {:error, "which_children on #{label(sup)} failed: #{short(reason)}"}
    end
  end

  # Children in start order (which_children lists the newest first).
  def children_in_start_order(sup) do
    with {:ok, sup_i} <- sup_info(sup), {:ok, kids} <- children(sup) do
      case sup_i.type do
        :static -> {:ok, Enum.reverse(kids)}
        :dynamic -> {:ok, kids}
      end
    end
  end

  # The restart type of a live child, read from its supervisor's state: the
  # children map of a DynamicSupervisor (pid => {mfa, restart, ...}), or the
  # child records of a :supervisor ({:child, pid, id, mfargs, restart, ...}
  # since OTP 21; the children are {ids, %{id => record}} since OTP 23).
  def restart_type_of(pid) do
    with {:ok, sup} <- parent_of(pid),
         {:ok, info} <- sup_info(sup),
         {:ok, state} <- safe_state(sup) do
      not_child = {:error, "#{label(pid)} is not a child of #{label(sup)}"}

      case info.type do
        :dynamic ->
          case Map.get(state.children, pid) do
            {_mfa, restart, _shutdown, _type, _mods} -> {:ok, restart}
            _ -> not_child
          end

        :static ->
          records =
            case elem(state, 3) do
              {_ids, db} when is_map(db) -> Map.values(db)
              list when is_list(list) -> list
              _ -> []
            end

          case Enum.find(records, &(is_tuple(&1) and tuple_size(&1) > 4 and elem(&1, 1) == pid)) do
            nil -> not_child
            record -> {:ok, elem(record, 4)}
          end
      end
    end
  end

  def parent_of(pid) do
    case Process.info(pid, :dictionary) do
      {:dictionary, dict} ->
        case Keyword.get(dict, :"$ancestors") do
          [parent | _] when is_pid(parent) -> {:ok, parent}
          [parent | _] when is_atom(parent) -> whereis(parent)
          _ -> {:error, "#{label(pid)} has no supervisor (not started by a supervisor?)"}
        end

      _ ->
        {:error, "#{label(pid)} is not alive"}
    end
  end

  # ---- walking the tree ------------------------------------------------------

  # Every live process under a supervisor, at any depth, as {pid, type, modules}
  # (a Registry's partitions included: they are part of what the tree started).
  def descendants(sup, depth \\ 0) do
    case children(sup) do
      {:ok, kids} when depth < 8 ->
        Enum.flat_map(kids, fn
          {_, p, :supervisor, mods} when is_pid(p) ->
            [{p, :supervisor, mods} | descendants(p, depth + 1)]

          {_, p, type, mods} when is_pid(p) ->
            [{p, type, mods}]

          _ ->
            []
        end)

      _ ->
        []
    end
  end

  # The workers running under a supervisor at any depth (through nested and
  # partitioned supervisors, not into a Registry's own partitions), optionally
  # only those of one module: what a pool or a job limit counts.
  def workers(sup, module \\ nil) do
    for {p, :worker, mods} <- descendants(sup),
        Process.alive?(p),
        module == nil or (is_list(mods) and module in mods),
        do: p
  end

  # The supervisors of the tree, top included, with their pids: the "path"
  # that must not restart while a scenario runs.
  def supervisors(top) do
    [{:top, top} | for({p, :supervisor, _mods} <- descendants(top), do: {label(p), p})]
  end

  # ---- resolving references from requirements ------------------------------

  # Supervisor refs: :top | {:name, atom} | {:child, sup_ref, id}
  # Process refs:   {:name, atom} | {:child, sup_ref, id} | {:registry, registry, key}
  def resolve_sup(:top, top), do: alive(top, "the top supervisor")
  def resolve_sup(ref, top), do: resolve(ref, top)

  def resolve({:name, name}, _top), do: whereis(name)

  def resolve({:child, sup_ref, id}, top) do
    with {:ok, sup} <- resolve_sup(sup_ref, top), {:ok, kids} <- children(sup) do
      case Enum.find(kids, fn {cid, _, _, _} -> cid == id end) do
        {_, pid, _, _} when is_pid(pid) ->
          alive(pid, "child #{inspect(id)}")

        {_, other, _, _} ->
          {:error, "child #{inspect(id)} of #{label(sup)} is not running (#{inspect(other)})"}

        nil ->
          {:error,
           "#{label(sup)} has no child with id #{inspect(id)}; its children: #{ids(kids)}"}
      end
    end
  end

  def resolve({:registry, registry, key}, _top) do
    try do
      case Registry.lookup(registry, key) do
        [{pid, _} | _] -> alive(pid, "the process under #{inspect(key)} in #{inspect(registry)}")
        [] -> {:error, "no process is registered under #{inspect(key)} in #{inspect(registry)}"}
      end
    rescue
      ArgumentError -> {:error, "#{inspect(registry)} is not a running Registry"}
    end
  end

  def whereis(name) do
    case Process.whereis(name) do
      nil -> {:error, "no process is registered as #{inspect(name)}"}
      pid -> {:ok, pid}
    end
  end

  defp alive(pid, what) do
    if Process.alive?(pid), do: {:ok, pid}, else: {:error, "#{what} is not alive"}
  end

  def describe_ref(:top), do: "the top supervisor"
  def describe_ref({:name, name}), do: inspect(name)
  def describe_ref({:child, :top, id}), do: "child #{inspect(id)}"
  def describe_ref({:child, sup, id}), do: "child #{inspect(id)} of #{describe_ref(sup)}"
  def describe_ref({:registry, reg, key}), do: "#{inspect(reg)} key #{inspect(key)}"

  # ---- rendering ----------------------------------------------------------

  # A compact picture of the live tree for feedback: what the model built.
  def render(pid, depth \\ 0) do
    indent = String.duplicate("  ", depth)

    head =
      case sup_info(pid) do
        {:ok, i} ->
          kind = if i.type == :dynamic, do: "DynamicSupervisor", else: "Supervisor"
          limit = if i.max_children != :infinity, do: ", max_children #{i.max_children}", else: ""

          "#{indent}#{label(pid)} [#{kind} #{i.strategy}, max_restarts #{i.max_restarts} in #{i.max_seconds}s#{limit}]"

        {:error, _} ->
          "#{indent}#{label(pid)}"
      end

    kids =
      if depth < 3 do
        case children_in_start_order(pid) do
          {:ok, kids} ->
            kids
            |> Enum.take(12)
            |> Enum.map(fn
              # A Registry is a supervisor of its partitions: internals, not design.
              {id, _child, :supervisor, [Registry]} ->
                "#{String.duplicate("  ", depth + 1)}#{inspect(id)} Registry"

              {id, child, :supervisor, _} when is_pid(child) ->
                render_child_sup(id, child, depth + 1)

              {id, child, type, _} ->
                "#{String.duplicate("  ", depth + 1)}#{inspect(id)} #{type} #{pid_text(child)}"
            end)

          _ ->
            []
        end
      else
        []
      end

    Enum.join([head | kids], "\n")
  end

  defp render_child_sup(id, child, depth) do
    "#{String.duplicate("  ", depth)}#{inspect(id)} supervisor:\n" <> render(child, depth + 1)
  end

  defp pid_text(p) when is_pid(p), do: "alive"
  defp pid_text(other), do: inspect(other)

  def label(pid) when is_pid(pid) do
    case Process.info(pid, :registered_name) do
      {:registered_name, name} when is_atom(name) and name != [] -> inspect(name)
      _ -> "process #{inspect(pid)}"
    end
  end

  def label(other), do: inspect(other)

  defp ids(kids), do: kids |> Enum.map(fn {id, _, _, _} -> inspect(id) end) |> Enum.join(", ")

  def short(term), do: term |> inspect(limit: 8, printable_limit: 200) |> String.slice(0, 300)

  def format_error(:error, reason),
    do: Exception.message(Exception.normalize(:error, reason, [])) |> String.slice(0, 300)

  def format_error(kind, reason), do: "#{kind} #{short(reason)}"
end
