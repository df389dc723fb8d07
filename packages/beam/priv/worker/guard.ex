defmodule OtpForge.SandboxError do
  @moduledoc false
  defexception [:message]
end

defmodule OtpForge.Guard do
  @moduledoc false
  # Runtime checks the static policy cannot make: sandboxed code reaches some
  # functions only through `OtpForge.Guard.call/3` (the policy rewrites the
  # calls). They refuse to touch processes the job did not start (the
  # worker's own, the VM's system processes) and to start code from modules
  # that are neither the job's nor allowed, whatever data the job built.

  alias OtpForge.Allowlist

  # {module, function} => what to check, by argument position.
  @checks %{
    {Kernel, :send} => :raw0,
    {Kernel, :spawn} => :mfa,
    {Kernel, :spawn_link} => :mfa,
    {Kernel, :spawn_monitor} => :mfa,
    {Kernel, :apply} => :apply,
    {:erlang, :send_after} => :timer_dest1,
    {:erlang, :start_timer} => :timer_dest1,
    {:erlang, :exit} => :exit,
    {:erlang, :link} => :dest0,
    {:erlang, :spawn} => :mfa,
    {:erlang, :spawn_link} => :mfa,
    {:erlang, :spawn_monitor} => :mfa,
    {Process, :send} => :raw0,
    {Process, :send_after} => :timer_dest0,
    {Process, :exit} => :dest0,
    {Process, :link} => :dest0,
    {Process, :unregister} => :unregister,
    # A name may be given only to a process of the job (else a later send to the name reaches the runtime).
    {Process, :register} => :dest0,
    {Process, :group_leader} => :group_leader,
    {Process, :flag} => :flag,
    {Process, :spawn} => :spawn_opts,
    {Process, :hibernate} => :mfa,
    {GenServer, :call} => :raw0,
    {GenServer, :cast} => :raw0,
    {GenServer, :stop} => :dest0,
    {GenServer, :reply} => :reply,
    {GenServer, :start} => :gen_start,
    {GenServer, :start_link} => :gen_start,
    {GenServer, :multi_call} => :refuse,
    {GenServer, :abcast} => :refuse,
    {Agent, :get} => :agent,
    {Agent, :get_and_update} => :agent,
    {Agent, :update} => :agent,
    {Agent, :cast} => :agent,
    {Agent, :stop} => :dest0,
    {Agent, :start} => :agent_start,
    {Agent, :start_link} => :agent_start,
    {Task, :start} => :task_mfa,
    {Task, :start_link} => :task_mfa,
    {Task, :async} => :task_mfa,
    {Task, :async_stream} => :stream_mfa,
    {Task, :shutdown} => :task0,
    {Task, :ignore} => :task0,
    {Process, :info} => :info0,
    {:erlang, :process_info} => :info0,
    {Registry, :send} => :registry_send,
    {:timer, :tc} => :timer_tc,
    {Task.Supervisor, :start_child} => :tasksup,
    {Task.Supervisor, :async} => :tasksup,
    {Task.Supervisor, :async_nolink} => :tasksup,
    {Task.Supervisor, :async_stream} => :tasksup_stream,
    {Task.Supervisor, :async_stream_nolink} => :tasksup_stream,
    {Task.Supervisor, :terminate_child} => :dest0,
    {Task.Supervisor, :children} => :dest0,
    {Task.Supervisor, :start_link} => :opts0,
    {Supervisor, :start_link} => :sup_start,
    {Supervisor, :start} => :sup_start,
    {Supervisor, :init} => :children0,
    {Supervisor, :child_spec} => :child0,
    {Supervisor, :start_child} => :dest0_child1,
    {Supervisor, :terminate_child} => :dest0,
    {Supervisor, :restart_child} => :dest0,
    {Supervisor, :delete_child} => :dest0,
    {Supervisor, :which_children} => :dest0,
    {Supervisor, :count_children} => :dest0,
    {Supervisor, :stop} => :dest0,
    {DynamicSupervisor, :start_child} => :dest0_child1,
    {DynamicSupervisor, :terminate_child} => :dest0,
    {DynamicSupervisor, :which_children} => :dest0,
    {DynamicSupervisor, :count_children} => :dest0,
    {DynamicSupervisor, :stop} => :dest0,
    {DynamicSupervisor, :start_link} => :dynsup_start,
    {DynamicSupervisor, :start} => :dynsup_start,
    {Registry, :dispatch} => :registry_dispatch,
    {Registry, :start_link} => :opts0,
    {PartitionSupervisor, :start_link} => :partition_sup,
    {:sys, :get_state} => :dest0,
    {:sys, :replace_state} => :raw0,
    {:sys, :get_status} => :dest0,
    {:sys, :suspend} => :dest0,
    {:sys, :resume} => :dest0,
    {:sys, :statistics} => :dest0,
    {:sys, :trace} => :dest0,
    {:sys, :no_debug} => :dest0,
    {:sys, :log} => :dest0,
    {:timer, :send_after} => :timer_dest,
    {:timer, :send_interval} => :timer_dest,
    {:timer, :exit_after} => :timer_dest,
    {:timer, :kill_after} => :timer_dest,
    {:ets, :new} => :ets_opts1,
    {:ets, :setopts} => :ets_setopts,
    {:ets, :give_away} => :ets_give_away,
    # Writes: the runtime has public tables too (application env, code names, Elixir's config).
    {:ets, :insert} => :ets_table0,
    {:ets, :insert_new} => :ets_table0,
    {:ets, :delete} => :ets_table0,
    {:ets, :delete_object} => :ets_table0,
    {:ets, :delete_all_objects} => :ets_table0,
    {:ets, :update_counter} => :ets_table0,
    {:ets, :update_element} => :ets_table0,
    {:ets, :select_delete} => :ets_table0,
    {:ets, :select_replace} => :ets_table0,
    {:ets, :take} => :ets_table0,
    {:ets, :match_delete} => :ets_table0,
    {:ets, :rename} => :ets_table0,
    {:ets, :safe_fixtable} => :ets_table0,
    {:ets, :init_table} => :ets_table0,
    {:erlang, :system_info} => :system_info,
    {:erlang, :garbage_collect} => :dest0,
    {:persistent_term, :put} => :pterm_key0,
    {:persistent_term, :erase} => :pterm_key0,
    {:persistent_term, :get} => :pterm_get,
    # A device is a process: it must be the job's (or its own standard output and error).
    {IO, :write} => :device2,
    {IO, :puts} => :device2,
    {IO, :binwrite} => :device2,
    {IO, :gets} => :device2,
    {IO, :read} => :device2,
    {IO, :binread} => :device2,
    {IO, :inspect} => :device3,
    {:io, :format} => :device3,
    {:io, :fwrite} => :device3,
    {:io, :put_chars} => :device2,
    {:io, :write} => :device2,
    {:io, :nl} => :device1,
    # Reads: the runtime's tables hold module names (a way to build atoms the
    # policy refuses) and the worker's state; a job reads its own tables.
    {:ets, :lookup} => :ets_read0,
    {:ets, :lookup_element} => :ets_read0,
    {:ets, :member} => :ets_read0,
    {:ets, :match} => :ets_read0,
    {:ets, :match_object} => :ets_read0,
    {:ets, :select} => :ets_read0,
    {:ets, :select_count} => :ets_read0,
    {:ets, :select_reverse} => :ets_read0,
    {:ets, :tab2list} => :ets_read0,
    {:ets, :first} => :ets_read0,
    {:ets, :last} => :ets_read0,
    {:ets, :next} => :ets_read0,
    {:ets, :prev} => :ets_read0,
    {:ets, :foldl} => :ets_read2,
    {:ets, :foldr} => :ets_read2,
    {:ets, :slot} => :ets_read0,
    {:ets, :info} => :ets_read0
  }

  # What :erlang.system_info/1 may tell a job: counts and versions, not :procs, :info or :dist.
  @system_info_items [
    :process_count,
    :process_limit,
    :port_count,
    :atom_count,
    :atom_limit,
    :schedulers,
    :schedulers_online,
    :logical_processors,
    :logical_processors_available,
    :otp_release,
    :version,
    :wordsize,
    :system_version,
    :system_architecture,
    :thread_pool_size,
    :dirty_cpu_schedulers,
    :dirty_io_schedulers,
    :ets_count,
    :ets_limit,
    :time_offset,
    :os_monotonic_time_source,
    :start_time
  ]

  @doc "Is this call routed through the guard by the policy's rewrite?"
  def guarded?(mod, fun), do: Map.has_key?(@checks, {mod, fun})

  @doc "Checks the arguments, then makes the call."
  def call(mod, fun, args), do: call(mod, fun, args, nil)

  @doc "The same, with the place in the job's source the policy found the call at (for refusals)."
  def call(mod, fun, args, at), do: call_with(mod, fun, args, at, &apply(mod, fun, &1))

  @doc """
  As call/4, but the checked arguments go to `run` instead of to the function: the explorer's
  distributed model hands a checked message to its scheduler rather than sending it.
  """
  def call_with(mod, fun, args, at, run) do
    Process.put(:otpforge_guard_at, at)
    kind = Map.fetch!(@checks, {mod, fun})
    # A {:via, ...} or {:global, ...} name is looked up once: the pid checked is the pid called
    # (a whereis_name that answers differently the second time cannot swap in the runtime's).
    case pin_name(mod, fun, args) do
      {:ok, args} -> checked_apply(kind, mod, fun, args, run)
      {:none, result} -> result
    end
  end

  @pinned [
    {GenServer, :call},
    {GenServer, :cast},
    {GenServer, :stop},
    {Agent, :get},
    {Agent, :update},
    {Agent, :get_and_update},
    {Agent, :cast},
    {Agent, :stop}
  ]

  defp pin_name(mod, fun, [dest | rest] = args)
       when is_tuple(dest) and elem(dest, 0) in [:via, :global] do
    if {mod, fun} in @pinned do
      case GenServer.whereis(dest) do
        pid when is_pid(pid) -> {:ok, [pid | rest]}
        # Nobody holds the name: what GenServer does then, without asking the name again.
        _ when fun in [:cast] -> {:none, :ok}
        _ -> exit({:noproc, {mod, fun, args}})
      end
    else
      {:ok, args}
    end
  end

  defp pin_name(_mod, _fun, args), do: {:ok, args}

  defp checked_apply(kind, mod, fun, args, run) do
    # Child specs are turned into maps once, checked, and those maps are what
    # the supervisor gets: a child_spec/1 cannot answer differently later.
    args = normalize(kind, mod, fun, args)
    check(kind, mod, fun, args)
    run.(args)
  end

  defp normalize(:sup_start, Supervisor, _, [children, opts]) when is_list(children),
    do: [Enum.map(children, &to_spec/1), opts]

  # The new state is OTP's to act on (a supervisor's children, an Agent's...): searched like a message.
  defp normalize(:raw0, :sys, :replace_state, [d, fun | rest]) when is_function(fun, 1),
    do: [
      d,
      fn st ->
        otp_server_state(st)
        fun.(st) |> tap(&no_refused_mfa/1)
      end
      | rest
    ]

  # A supervisor module of the job runs under OtpForge.CheckedSupervisor, which
  # checks whatever its init/1 returns (however init/1 was defined) before OTP
  # starts a child from it.
  defp normalize(:sup_start, Supervisor, _, [mod, arg | opts]) when is_atom(mod),
    do: [OtpForge.CheckedSupervisor, {mod, arg} | opts]

  defp normalize(:dynsup_start, DynamicSupervisor, _, [mod, arg | opts]) when is_atom(mod),
    do: [OtpForge.CheckedDynamicSupervisor, {mod, arg} | opts]

  defp normalize(:children0, Supervisor, :init, [children | rest]) when is_list(children),
    do: [Enum.map(children, &to_spec/1) | rest]

  defp normalize(:dest0_child1, _, :start_child, [sup, spec]) when not is_list(spec),
    do: [sup, to_spec(spec)]

  defp normalize(_, _, _, args), do: args

  defp to_spec(spec) when is_atom(spec) or is_tuple(spec) or is_map(spec) do
    case spec do
      {id, start, restart, shutdown, type, mods} ->
        {id, wrap_start(start), restart, shutdown, type, mods}

      _ ->
        Supervisor.child_spec(spec, []) |> wrap_child()
    end
  end

  defp to_spec(spec), do: spec

  # A child that is itself a supervisor of the job's module is started checked too.
  defp wrap_child(%{start: start} = spec), do: %{spec | start: wrap_start(start)}
  defp wrap_child(spec), do: spec

  defp wrap_start({Supervisor, f, [mod, arg | rest]})
       when f in [:start_link, :start] and is_atom(mod) and mod != OtpForge.CheckedSupervisor,
       do: {Supervisor, f, [OtpForge.CheckedSupervisor, {mod, arg} | rest]}

  defp wrap_start({DynamicSupervisor, f, [mod, arg | rest]})
       when f in [:start_link, :start] and is_atom(mod) and
              mod != OtpForge.CheckedDynamicSupervisor,
       do: {DynamicSupervisor, f, [OtpForge.CheckedDynamicSupervisor, {mod, arg} | rest]}

  defp wrap_start(start), do: start

  @doc "What a supervisor's init/1 returned, checked child by child; nested supervisors wrapped."
  def supervisor_result({:ok, {flags, children}}) when is_list(children) do
    children = Enum.map(children, &to_spec/1)
    Enum.each(children, &child/1)
    {:ok, {flags, children}}
  end

  def supervisor_result(other), do: other

  @doc "What a DynamicSupervisor's init/1 returned: its extra_arguments are checked."
  def dynamic_result({:ok, flags} = result) when is_map(flags) do
    extra_arguments(Map.get(flags, :extra_arguments, []))
    result
  end

  def dynamic_result(other), do: other

  # extra_arguments are put before every child's own arguments: with a module
  # among them, {Agent, :start_link, [f, a]} would start module.f(a).
  defp extra_arguments(extra) when is_list(extra) do
    if Enum.any?(extra, &(is_atom(&1) and &1 not in [nil, true, false])),
      do:
        deny(
          "extra_arguments with a module or atom (#{inspect(extra, limit: 5)}) are not allowed in sandboxed code"
        ),
      else: :ok
  end

  defp extra_arguments(_), do: :ok

  defp check(:refuse, m, f, a),
    do: deny("#{Allowlist.name(m)}.#{f}/#{length(a)} is not allowed in sandboxed code")

  defp check(:dest0, _, _, [d | _]), do: dest(d)
  # A raw system message is :sys.replace_state (and friends) without the guard's
  # wrapper: its fun's result becomes OTP's state unchecked. Use the :sys functions.
  defp check(:raw0, m, f, [_d, {:system, _, _} | _]),
    do:
      deny(
        "#{Allowlist.name(m)}.#{f} of a raw {:system, ...} message is not allowed in sandboxed code: use the :sys functions"
      )

  defp check(:raw0, m, f, [_d, {:"$gen_call", _, {:system, _, _}} | _]),
    do:
      deny(
        "#{Allowlist.name(m)}.#{f} of a raw {:system, ...} message is not allowed in sandboxed code: use the :sys functions"
      )

  defp check(:raw0, _, _, [d, msg | _]) when not is_function(msg),
    do:
      (
        dest(d)
        no_refused_mfa(msg)
      )

  defp check(:raw0, _, _, [d | _]), do: dest(d)
  defp check(:dest1, _, _, [_, d | _]), do: dest(d)
  defp check(:timer_dest0, _, _, [d | _]), do: timer_dest(d)
  defp check(:timer_dest1, _, _, [_, d | _]), do: timer_dest(d)
  # :timer.kill_after(time, pid); send_after/exit_after/send_interval(time, dest, msg).
  defp check(:timer_dest, _, :kill_after, [_, d]), do: timer_dest(d)
  defp check(:timer_dest, _, _, [_, d, _]), do: timer_dest(d)
  defp check(:timer_dest, _, _, _), do: :ok
  defp check(:timer_tc, _, _, [m, f, a | _]) when is_atom(m) and is_list(a), do: mfa(m, f, a)
  defp check(:timer_tc, _, _, [f | _]) when is_function(f), do: :ok

  defp check(:timer_tc, _, _, args),
    do:
      deny(
        ":timer.tc/#{length(args)} with #{inspect(hd(args ++ [nil]), limit: 5)} is not allowed in sandboxed code"
      )

  defp check(:task0, _, _, [%Task{pid: pid} | _]) when is_pid(pid), do: dest(pid)
  defp check(:task0, _, f, _), do: deny("Task.#{f} needs a task the job started")

  defp check(:info0, _, _, [pid | rest]) when is_pid(pid) do
    items =
      case rest,
        do:
          (
            [i] when is_list(i) -> i
            [i] -> [i]
            _ -> []
          )

    if :backtrace in items,
      do:
        deny(
          "Process.info(pid, :backtrace) is not allowed in sandboxed code: a stack holds the worker's secrets"
        )

    info_of(pid)
  end

  defp check(:info0, _, _, _), do: :ok

  defp check(:partition_sup, _, _, [opts]) when is_list(opts) do
    if spec = Keyword.get(opts, :child_spec), do: child(spec)
    opts(Keyword.delete(opts, :child_spec))
  end

  defp check(:partition_sup, _, _, _), do: :ok
  defp check(:registry_send, _, _, [{reg, key}, _]), do: dest({:via, Registry, {reg, key}})
  defp check(:registry_send, _, _, _), do: :ok

  defp check(:tasksup_stream, _, _, [sup, _enum, m, f, a | _]) when is_atom(m) and is_list(a),
    do:
      (
        dest(sup)
        mfa(m, f, [nil | a])
      )

  defp check(:tasksup_stream, _, _, [sup | _]), do: dest(sup)
  defp check(:exit, _, _, [d, _]), do: dest(d)
  defp check(:exit, _, _, _), do: :ok
  defp check(:unregister, _, _, [name]), do: dest(name)
  defp check(:group_leader, _, _, []), do: :ok

  defp check(:group_leader, _, _, _),
    do: deny("Process.group_leader/2 is not allowed in sandboxed code")

  defp check(:flag, _, _, [flag, value]), do: flag(flag, value)

  defp check(:flag, _, _, [pid, flag, value]),
    do:
      (
        dest(pid)
        flag(flag, value)
      )

  defp check(:spawn_opts, _, _, [_fun, opts]), do: spawn_opts(opts)

  defp check(:spawn_opts, _, _, [m, f, a, opts]),
    do:
      (
        mfa(m, f, a)
        spawn_opts(opts)
      )

  defp check(:mfa, _, _, [m, f, a]) when is_list(a), do: mfa(m, f, a)
  # :erlang.spawn/4 and friends take a node first.
  defp check(:mfa, _, _, [n, m, f, a]) when is_atom(n) and is_list(a), do: mfa(m, f, a)
  defp check(:mfa, _, _, _), do: :ok
  defp check(:apply, _, _, [m, f, a]) when is_list(a), do: mfa(m, f, a)
  defp check(:apply, _, _, _), do: :ok
  # Only to a `from` the job received: {pid of the job, reference or [:alias | reference]}.
  defp check(:reply, _, _, [{pid, tag}, _])
       when is_pid(pid) and
              (is_reference(tag) or (is_list(tag) and tl(tag) != [] and is_reference(tl(tag)))),
       do: dest(pid)

  defp check(:reply, _, _, [from, _]),
    do:
      deny(
        "GenServer.reply/2 to #{inspect(from, limit: 5)} is not allowed in sandboxed code: reply only to the `from` a handle_call received"
      )

  defp check(:gen_start, _, _, [mod, _arg]), do: job_module(mod, "GenServer.start_link/3")

  defp check(:gen_start, _, _, [mod, _arg, opts]),
    do:
      (
        job_module(mod, "GenServer.start_link/3")
        opts(opts)
      )

  defp check(:agent, _, _, [agent | rest]),
    do:
      (
        dest(agent)
        agent_mfa(rest)
      )

  defp check(:agent_start, _, _, [m, f, a | opts]) when is_atom(m),
    do:
      (
        mfa(m, f, [nil | a])
        Enum.each(opts, &opts/1)
      )

  defp check(:agent_start, _, _, [_fun | opts]), do: Enum.each(opts, &opts/1)
  defp check(:task_mfa, _, _, [m, f, a]), do: mfa(m, f, a)
  defp check(:task_mfa, _, _, _), do: :ok
  defp check(:stream_mfa, _, _, [_enum, m, f, a | _]) when is_atom(m), do: mfa(m, f, [nil | a])
  defp check(:stream_mfa, _, _, _), do: :ok

  defp check(:tasksup, _, _, [sup, m, f, a | _]) when is_atom(m) and is_list(a),
    do:
      (
        dest(sup)
        mfa(m, f, a)
      )

  defp check(:tasksup, _, _, [sup | _]), do: dest(sup)
  defp check(:opts0, _, _, [opts | _]), do: opts(opts)
  defp check(:opts0, _, _, []), do: :ok

  defp check(:sup_start, _, _, [children, opts]) when is_list(children),
    do:
      (
        children(children)
        opts(opts)
      )

  defp check(:sup_start, _, _, [OtpForge.CheckedSupervisor, {mod, _arg} | rest]),
    do:
      (
        job_module(mod, "Supervisor.start_link/3")
        Enum.each(rest, &opts/1)
      )

  defp check(:sup_start, _, _, [mod, _arg]), do: job_module(mod, "Supervisor.start_link/3")

  defp check(:sup_start, _, _, [mod, _arg, opts]),
    do:
      (
        job_module(mod, "Supervisor.start_link/3")
        opts(opts)
      )

  defp check(:children0, _, _, [children | _]), do: children(children)
  defp check(:child0, _, _, [spec | _]), do: child(spec)

  defp check(:dest0_child1, _, _, [sup, spec]),
    do:
      (
        dest(sup)
        child(spec)
      )

  defp check(:dynsup_start, _, _, [opts]), do: opts(opts)

  defp check(:dynsup_start, _, _, [OtpForge.CheckedDynamicSupervisor, {mod, _arg} | rest]),
    do:
      (
        job_module(mod, "DynamicSupervisor.start_link/3")
        Enum.each(rest, &opts/1)
      )

  defp check(:dynsup_start, _, _, [mod, _arg]),
    do: job_module(mod, "DynamicSupervisor.start_link/3")

  defp check(:dynsup_start, _, _, [mod, _arg, opts]),
    do:
      (
        job_module(mod, "DynamicSupervisor.start_link/3")
        opts(opts)
      )

  defp check(:registry_dispatch, _, _, [_reg, _key, {m, f, a} | _]), do: mfa(m, f, [nil | a])
  defp check(:registry_dispatch, _, _, _), do: :ok
  defp check(:ets_table0, _, _, [t | _]), do: ets_table(t)
  defp check(:system_info, _, _, [item]) when item in @system_info_items, do: :ok

  defp check(:system_info, _, _, [item]),
    do: deny(":erlang.system_info(#{inspect(item, limit: 3)}) is not allowed in sandboxed code")

  defp check(:pterm_key0, _, _, [key | _]), do: pterm_key(key)

  defp check(:pterm_get, _, _, []),
    do:
      deny(
        ":persistent_term.get/0 is not allowed in sandboxed code: it lists the runtime's terms"
      )

  defp check(:pterm_get, _, _, _), do: :ok
  defp check(:device1, _, _, [d]), do: device(d)
  defp check(:device2, _, _, [d, _]), do: device(d)
  defp check(:device2, _, _, [d, _, _]), do: device(d)
  defp check(:device3, _, _, [d, _, _]), do: device(d)
  defp check(:ets_read0, _, _, [t | _]), do: ets_read(t)
  defp check(:ets_read0, _, _, _), do: :ok
  defp check(:ets_read2, _, _, [_, _, t]), do: ets_read(t)

  defp check(:ets_setopts, m, f, [t, opts]),
    do:
      (
        ets_table(t)
        check(:ets_opts1, m, f, [t, opts])
      )

  defp check(:ets_give_away, _, _, [t, pid, _]),
    do:
      (
        ets_table(t)
        dest(pid)
      )

  defp check(:ets_opts1, _, _, [_, opts]) when is_list(opts) do
    for {:heir, pid, _} <- opts, do: dest(pid)
    :ok
  end

  defp check(:ets_opts1, _, _, _), do: :ok
  defp check(_, _, _, _), do: :ok

  # ---- processes -----------------------------------------------------------

  @doc "A message or signal destination must be a process of this job (or an alias)."
  def dest(pid) when is_pid(pid) do
    if node(pid) == node() and not job_process?(pid) do
      deny(
        "sandboxed code may only signal or message processes it started; #{describe(pid)} belongs to the runtime"
      )
    end

    :ok
  end

  def dest(name) when is_atom(name) and name not in [nil, true, false] do
    case Process.whereis(name) do
      nil ->
        :ok

      pid ->
        if job_process?(pid),
          do: :ok,
          else:
            deny(
              "sandboxed code may only signal or message processes it started; #{inspect(name)} is a process of the runtime"
            )
    end
  end

  def dest({name, n}) when is_atom(name) and is_atom(n),
    do: if(n == node(), do: dest(name), else: :ok)

  # Names that resolve through a registry are resolved, then the pid is checked
  # (a registry's table may hold any pid the job put there).
  def dest({:global, name}), do: resolved(:global.whereis_name(name))

  def dest({:via, Registry, {reg, key}}),
    do: resolved(safe_whereis(fn -> Registry.whereis_name({reg, key}) end))

  def dest({:via, Registry, {reg, key, _value}}),
    do: resolved(safe_whereis(fn -> Registry.whereis_name({reg, key}) end))

  def dest({:via, Registry, _}), do: :ok

  def dest({:via, PartitionSupervisor, name}),
    do: resolved(safe_whereis(fn -> PartitionSupervisor.whereis_name(name) end))

  def dest({:via, mod, name}) do
    job_module(mod, "a {:via, module, name} name")
    resolved(safe_whereis(fn -> mod.whereis_name(name) end))
  end

  def dest(ref) when is_reference(ref), do: :ok
  def dest(port) when is_port(port), do: deny("sandboxed code may not talk to ports")
  def dest(_), do: :ok

  # Agent, Supervisor, DynamicSupervisor, Task.Supervisor, Registry... run OTP's
  # code on what their messages say, {M, F, A} included (an Agent's {:get, mfa},
  # a DynamicSupervisor's raw {:start_child, ...}). Which process runs OTP's
  # code cannot be told reliably from outside, so every message a job sends
  # (send, GenServer.call/cast) is searched for {M, F, A}, which must pass the
  # same check as an MFA given to the API.
  def no_refused_mfa(term), do: scan_mfa(term, 0)

  # A supervisor's state says what it starts and how (children, extra_arguments):
  # not for a job to rewrite, whatever shape the new state has.
  defp otp_server_state(%DynamicSupervisor{}),
    do: deny(":sys.replace_state of a DynamicSupervisor is not allowed in sandboxed code")

  defp otp_server_state(st) when is_tuple(st) and tuple_size(st) >= 10 and elem(st, 0) == :state,
    do: deny(":sys.replace_state of a supervisor is not allowed in sandboxed code")

  defp otp_server_state(_), do: :ok

  defp scan_mfa(_term, depth) when depth > 64, do: :ok

  defp scan_mfa({m, f, a} = t, depth) when is_atom(m) and is_atom(f) and is_list(a) do
    if m not in [nil, true, false] and Allowlist.exists?(m), do: mfa(m, f, a)
    scan_list(Tuple.to_list(t), depth)
  end

  defp scan_mfa(t, depth) when is_tuple(t), do: scan_list(Tuple.to_list(t), depth)
  defp scan_mfa(l, depth) when is_list(l), do: scan_list(l, depth)
  defp scan_mfa(m, depth) when is_map(m), do: scan_list(Map.to_list(m), depth)
  defp scan_mfa(_, _), do: :ok

  defp scan_list([h | t], depth),
    do:
      (
        scan_mfa(h, depth + 1)
        scan_list(t, depth)
      )

  defp scan_list(_, _), do: :ok

  defp resolved(pid) when is_pid(pid), do: dest(pid)
  defp resolved(_), do: :ok

  defp safe_whereis(fun) do
    fun.()
  rescue
    _ -> :undefined
  end

  # A timer to a name fires later: the name must be the job's now, not whoever holds it then.
  defp timer_dest(name) when is_atom(name) and name not in [nil, true, false] do
    case Process.whereis(name) do
      nil ->
        deny(
          "a timer to #{inspect(name)} is not allowed in sandboxed code: no process of the job holds that name"
        )

      _ ->
        dest(name)
    end
  end

  defp timer_dest(d), do: dest(d)

  # Process.info of the job's own processes only: the runtime's reveal links, messages, stacks.
  defp info_of(pid) do
    if node(pid) == node() and not job_process?(pid),
      do:
        deny(
          "Process.info of #{inspect(pid)} is not allowed in sandboxed code: it belongs to the runtime"
        ),
      else: :ok
  end

  @doc "Processes of a job share its capture as group leader (the policy forbids changing it)."
  def job_process?(pid) do
    case Process.info(pid, :group_leader) do
      {:group_leader, gl} -> gl == Process.group_leader()
      nil -> true
    end
  end

  defp describe(pid) do
    case Process.info(pid, :registered_name) do
      {:registered_name, name} when is_atom(name) -> "#{inspect(pid)} (#{inspect(name)})"
      _ -> inspect(pid)
    end
  end

  defp ets_table(t) do
    case :ets.info(t, :owner) do
      owner when is_pid(owner) ->
        if job_process?(owner),
          do: :ok,
          else:
            deny(
              "sandboxed code may only change ETS tables its processes own; #{inspect(:ets.info(t, :name))} belongs to the runtime"
            )

      _ ->
        :ok
    end
  end

  defp device(d) when d in [:stdio, :standard_io, :stderr, :standard_error], do: :ok
  defp device(d) when is_pid(d), do: dest(d)
  defp device(d) when is_atom(d), do: dest(d)
  defp device(_), do: :ok

  # The runtime's own terms (logger configuration...) were there before the job: not the job's to change.
  defp pterm_key(key) do
    runtime? =
      (:ets.whereis(:otpforge_pterm_baseline) != :undefined and
         :ets.member(:otpforge_pterm_baseline, key)) or
        (is_atom(key) and String.starts_with?(Atom.to_string(key), "otpforge"))

    if runtime?,
      do:
        deny(
          ":persistent_term key #{inspect(key, limit: 5)} belongs to the runtime; sandboxed code may only change its own keys"
        ),
      else: :ok
  end

  defp ets_read(t) do
    case :ets.info(t, :owner) do
      owner when is_pid(owner) ->
        if job_process?(owner),
          do: :ok,
          else:
            deny(
              "sandboxed code may only read ETS tables its processes own; #{inspect(:ets.info(t, :name))} belongs to the runtime"
            )

      _ ->
        :ok
    end
  end

  defp flag(f, _) when f in [:trap_exit, :message_queue_data, :save_calls], do: :ok
  defp flag(:priority, p) when p in [:low, :normal], do: :ok

  defp flag(f, v),
    do: deny("Process.flag(#{inspect(f)}, #{inspect(v)}) is not allowed in sandboxed code")

  defp spawn_opts(opts) when is_list(opts) do
    Enum.each(opts, fn
      o when o in [:link, :monitor] -> :ok
      {:monitor, _} -> :ok
      {:fullsweep_after, _} -> :ok
      {:message_queue_data, _} -> :ok
      o -> deny("the spawn option #{inspect(o)} is not allowed in sandboxed code")
    end)
  end

  defp spawn_opts(_), do: :ok

  # Options of start_link-like functions: a name must not route through a
  # foreign module, :debug can write files, :spawn_opt can lift limits.
  defp opts(opts) when is_list(opts) do
    Enum.each(opts, fn
      {:name, name} -> dest_name(name)
      {:debug, _} -> deny("the :debug option is not allowed in sandboxed code")
      {:spawn_opt, so} -> spawn_opts(so)
      # Registry tells its listeners about every registration: they must be the job's.
      {:listeners, ls} when is_list(ls) -> Enum.each(ls, &dest/1)
      {:extra_arguments, extra} -> extra_arguments(extra)
      # PartitionSupervisor rewrites each child's arguments with this function, after any check.
      {:with_arguments, _} -> deny("the :with_arguments option is not allowed in sandboxed code")
      _ -> :ok
    end)
  end

  defp opts(_), do: :ok

  defp dest_name({:via, mod, _}) when mod not in [Registry, PartitionSupervisor],
    do: job_module(mod, "a {:via, module, name} name")

  defp dest_name(_), do: :ok

  # ---- code started from data ----------------------------------------------

  defp job_module(mod, what) do
    if is_atom(mod) and own_module?(mod),
      do: :ok,
      else: deny("#{what} with #{inspect(mod)}: sandboxed code may only start modules it defines")
  end

  @doc "An {M, F, A} run by an OTP function: a job module, or an allowed function."
  def mfa(m, f, a) when is_atom(m) and is_atom(f) and is_list(a) do
    cond do
      own_module?(m) -> not_reflection(m, f, a)
      Allowlist.allowed?(m, f) and not guarded?(m, f) and not Allowlist.atom_maker?(m, f) -> :ok
      true -> deny("#{Allowlist.name(m)}.#{f}/#{length(a)} is not allowed in sandboxed code")
    end
  end

  def mfa(m, f, a),
    do:
      deny(
        "#{inspect({m, f, a}, limit: 5)} is not a callable {module, function, args} allowed in sandboxed code"
      )

  # The job's modules, and sandboxed preloads except under the explorer: compiled once and not
  # rewritten, a preload's steps would not be choice points (OtpForge.Policy refuses literal
  # calls to one in explored code; this is the same for a module that comes from data).
  defp own_module?(mod) do
    Allowlist.job_module?(mod) or
      (OtpForge.Preload.sandboxed?(mod) and OtpForge.Explore.Rt.scheduler() == nil)
  end

  # A job's own module may be reflected on (it wrote it); a preload's names stay its own.
  defp not_reflection(m, f, a) do
    if Allowlist.job_module?(m) or not Allowlist.reflection?(f),
      do: :ok,
      else: deny("#{Allowlist.name(m)}.#{f}/#{length(a)} is not allowed in sandboxed code")
  end

  defp agent_mfa([m, f, a | _]) when is_atom(m) and is_list(a), do: mfa(m, f, [nil | a])
  defp agent_mfa(_), do: :ok

  defp children(children) when is_list(children), do: Enum.each(children, &child/1)
  defp children(_), do: :ok

  @doc "A child spec starts a job module or an OTP building block run with funs."
  def child(spec) do
    case spec do
      mod when is_atom(mod) -> child_module(mod)
      {mod, _arg} when is_atom(mod) -> child_module(mod)
      %{start: start} -> start_mfa(start)
      {_id, start, _restart, _shutdown, _type, _mods} -> start_mfa(start)
      _ -> :ok
    end

    case spec do
      m when is_atom(m) -> start_mfa(Supervisor.child_spec(m, []).start)
      {m, _} when is_atom(m) -> start_mfa(Supervisor.child_spec(spec, []).start)
      _ -> :ok
    end
  end

  @building_blocks [
    Agent,
    Task,
    Registry,
    DynamicSupervisor,
    Task.Supervisor,
    Supervisor,
    PartitionSupervisor
  ]

  defp child_module(mod) do
    if own_module?(mod) or mod in @building_blocks,
      do: :ok,
      else:
        deny(
          "the child #{inspect(mod)} is not allowed in sandboxed code: children must be modules the job defines"
        )
  end

  defp start_mfa({m, f, a}) when is_atom(m) and is_list(a) do
    cond do
      own_module?(m) ->
        :ok

      m in [Agent, Task] and f in [:start_link, :start] ->
        fun_or_mfa(a)

      m in [Registry, DynamicSupervisor, Task.Supervisor] and f == :start_link ->
        start_opts(a)

      m == Supervisor and f == :start_link ->
        check(:sup_start, m, f, a)

      m == GenServer and f in [:start_link, :start] ->
        check(:gen_start, m, f, a)

      # Its partitions' child spec is checked like any child, and :with_arguments refused.
      m == PartitionSupervisor and f == :start_link ->
        check(:partition_sup, m, f, a)

      true ->
        deny(
          "a child that starts with #{Allowlist.name(m)}.#{f}/#{length(a)} is not allowed in sandboxed code"
        )
    end
  end

  defp start_mfa(other),
    do: deny("the child start #{inspect(other, limit: 5)} is not allowed in sandboxed code")

  defp fun_or_mfa([f | _]) when is_function(f), do: :ok
  defp fun_or_mfa([m, f, a | _]) when is_atom(m), do: mfa(m, f, a)
  defp fun_or_mfa([{m, f, a} | _]) when is_atom(m), do: mfa(m, f, a)
  defp fun_or_mfa(_), do: :ok

  defp start_opts([opts]), do: opts(opts)

  defp start_opts([mod, _arg, opts]),
    do:
      (
        job_module(mod, "DynamicSupervisor.start_link/3")
        opts(opts)
      )

  defp start_opts(_), do: :ok

  # The job's own line that made the refused call: the first frame of the stack
  # in a module compiled from the job's sources.
  defp where do
    case Process.get(:otpforge_guard_at) do
      {file, line} when is_binary(file) -> " (#{file}:#{line})"
      _ -> where_in_stack()
    end
  end

  defp where_in_stack do
    {:current_stacktrace, frames} = Process.info(self(), :current_stacktrace)

    Enum.find_value(frames, "", fn
      {m, _f, _a, loc} ->
        file = to_string(Keyword.get(loc, :file, ""))

        if file != "" and Allowlist.job_module?(m),
          do: " (#{Path.basename(file)}:#{Keyword.get(loc, :line, 0)})"

      _ ->
        nil
    end)
  end

  @doc "Refuses: tells the runner (the verdict becomes policy_violation) and raises."
  def deny(message) do
    message = message <> where()

    case Process.whereis(:otpforge_runner) do
      nil -> :ok
      runner -> send(runner, {:otpforge_violation, message})
    end

    raise OtpForge.SandboxError, message: message
  end
end
