defmodule OtpForge.Explore.Rewrite do
  @moduledoc false
  # Rewrites code the policy has already accepted (and wrapped in its guards)
  # so that every process stops where concurrency can change the outcome and
  # asks the explorer's scheduler to go on. Choice points:
  #   - before each send, cast, call, reply, exit signal, link, timer start,
  #     Agent operation, supervisor child operation and ETS operation;
  #   - at the start of init/1, handle_call/3, handle_cast/2 and handle_info/2
  #     of every module (the process takes its next message only when chosen);
  #   - before Task.await.
  # Time is virtual: GenServer.call and Task.await timeouts, Process.send_after,
  # Process.sleep and `receive ... after` (other than `after 0`) wait on timers
  # the scheduler fires. Everything else (OTP's own code: the gen_server loop
  # that sends a reply, supervisors, links and monitors) runs as the runtime
  # runs it, at once, between choice points.

  @rt OtpForge.Explore.Rt

  @yielding MapSet.new([
              {Kernel, :send},
              {Process, :send},
              {GenServer, :cast},
              {GenServer, :call},
              {GenServer, :reply},
              {GenServer, :stop},
              {Agent, :get},
              {Agent, :update},
              {Agent, :get_and_update},
              {Agent, :cast},
              {Agent, :stop},
              {Process, :exit},
              {:erlang, :exit},
              {Process, :link},
              {:erlang, :link},
              {Process, :send_after},
              {:erlang, :send_after},
              {Registry, :send},
              {:timer, :send_after},
              {:timer, :send_interval},
              {:timer, :exit_after},
              {:timer, :kill_after},
              {Supervisor, :terminate_child},
              {Supervisor, :restart_child},
              {Supervisor, :delete_child},
              {Supervisor, :start_child},
              {DynamicSupervisor, :start_child},
              {DynamicSupervisor, :terminate_child},
              # Reading a supervisor's children is a request it answers in turn with the starts and
              # stops: without a choice point, count-then-start by several clients would only ever
              # be explored with every count first.
              {Supervisor, :count_children},
              {Supervisor, :which_children},
              {DynamicSupervisor, :count_children},
              {DynamicSupervisor, :which_children},
              # (Starting a server takes its name: before that, as between a kill and a supervisor's restart, the name is free.)
              {GenServer, :start_link},
              {GenServer, :start},
              {:ets, :insert},
              {:ets, :insert_new},
              {:ets, :delete},
              {:ets, :delete_object},
              {:ets, :delete_all_objects},
              {:ets, :update_counter},
              {:ets, :update_element},
              {:ets, :select_delete},
              {:ets, :select_replace},
              {:ets, :take},
              {:ets, :match_delete},
              {:ets, :lookup},
              {:ets, :lookup_element},
              {:ets, :member},
              {:ets, :select},
              {:ets, :match},
              {:ets, :match_object},
              {:ets, :tab2list},
              {:ets, :first},
              {:ets, :next},
              {:ets, :last},
              {:ets, :prev},
              {:ets, :select_count},
              {:ets, :select_reverse},
              {:ets, :foldl},
              {:ets, :foldr},
              {:ets, :slot}
            ])

  # Guarded operations that are no choice points, but that the distributed model must see first
  # (OtpForge.Explore.Net.direct/4): trapping exits, and tasks, whose reply OTP's code sends.
  @seen MapSet.new([
          {Process, :flag},
          {Task, :async},
          {Task.Supervisor, :async},
          {Task.Supervisor, :async_nolink},
          {Kernel, :spawn_monitor},
          {:erlang, :spawn_monitor},
          {Process, :spawn},
          {Kernel, :spawn},
          {Kernel, :spawn_link},
          {:erlang, :spawn},
          {:erlang, :spawn_link}
        ])

  @callbacks [init: 1, handle_call: 3, handle_cast: 2, handle_info: 2, terminate: 2]

  @doc "The rewritten AST."
  def rewrite(ast), do: Macro.prewalk(ast, &point/1)

  # The policy's guard calls: OtpForge.Guard.call(Mod, :fun, [args], at).
  defp point({{:., m1, [guard, :call]}, m2, [mod, fun, args, at]} = call) when is_atom(fun) do
    cond do
      unalias(guard) != OtpForge.Guard ->
        call

      MapSet.member?(@yielding, {unalias(mod), fun}) ->
        {{:., m1, [@rt, :call]}, m2, [mod, fun, args, at]}

      # (:sys requests are system messages to their target.)
      MapSet.member?(@seen, {unalias(mod), fun}) or unalias(mod) == :sys ->
        {{:., m1, [@rt, :direct]}, m2, [mod, fun, args, at]}

      true ->
        call
    end
  end

  # spawn_monitor/1 as a local call (the policy guards only its MFA form).
  defp point({:spawn_monitor, m, [f]}), do: {{:., m, [@rt, :spawn_monitor]}, m, [f]}

  defp point({kind, m, [f]}) when kind in [:spawn, :spawn_link],
    do: {{:., m, [@rt, :spawn]}, m, [kind, f]}

  defp point({{:., m1, [mod, fun]}, m2, args} = call) when is_list(args) do
    case {unalias(mod), fun, length(args)} do
      {Task, :await, n} when n in [1, 2] ->
        {{:., m1, [@rt, :task_await]}, m2, args}

      {Process, :sleep, 1} ->
        {{:., m1, [@rt, :sleep]}, m2, args}

      {Process, :cancel_timer, 1} ->
        {{:., m1, [@rt, :cancel_timer]}, m2, args}

      # Monitors: virtual in the distributed model (a :DOWN then waits behind the dead process's messages).
      {Process, :monitor, 1} ->
        {{:., m1, [@rt, :monitor]}, m2, args}

      {:erlang, :monitor, n} when n in [2, 3] ->
        {{:., m1, [@rt, :monitor]}, m2, args}

      {:timer, :sleep, 1} ->
        {{:., m1, [@rt, :sleep]}, m2, args}

      {:timer, :cancel, 1} ->
        {{:., m1, [@rt, :timer_cancel]}, m2, args}

      {mod, :demonitor, n} when mod in [Process, :erlang] and n in [1, 2] ->
        {{:., m1, [@rt, :demonitor]}, m2, args}

      _ ->
        call
    end
  end

  # `after 0` looks at the mailbox as it is: no time passes, but what it finds depends on who went
  # first, so the look is a choice point.
  defp point({:receive, m, [[do: clauses, after: [{:->, _, [[0], _]}] = after_clause]]} = r) do
    if Keyword.get(m, :otpforge_polled), do: r, else: polled(m, clauses, after_clause)
  end

  defp point({:receive, meta, [[do: clauses, after: [{:->, _, [[time], after_body]}]]]}) do
    ref = Macro.unique_var(:otpforge_after, __MODULE__)
    cancel = quote(do: unquote(@rt).after_cancel(unquote(ref)))

    wrapped =
      for {:->, m, [pattern, body]} <- List.wrap(clauses) do
        {:->, m,
         [
           pattern,
           quote(
             do:
               (
                 unquote(cancel)
                 unquote(body)
               )
           )
         ]}
      end

    # First: a clause of the job's that matches any message (`m -> ...`) must not take the timer's.
    timeout_clause = {:->, [], [[quote(do: {:"$otpforge_after", ^unquote(ref)})], after_body]}

    # A time of 0 known only at run time takes the real `after 0` path.
    quote do
      case unquote(@rt).after_start(unquote(time)) do
        :now ->
          unquote(
            {:receive, [{:otpforge_polled, true} | meta],
             [[do: clauses, after: [{:->, [], [[0], after_body]}]]]}
          )

        unquote(ref) ->
          unquote({:receive, meta, [[do: [timeout_clause | wrapped]]]})
      end
    end
  end

  # A callback parks on entry, with the message it handles (and a call's caller) for the witness:
  # its arguments are also bound to fresh variables in the head (`pattern = var`).
  defp point({kind, meta, [head, body]} = d) when kind in [:def, :defp] and is_list(body) do
    case callback(head) do
      nil ->
        d

      # terminate/2 is no choice point; init/1 and terminate/2 are left through Rt.leaving_callback.
      :terminate ->
        {kind, meta, [head, Keyword.update(body, :do, nil, &leaving/1)]}

      name ->
        {head, args} = capture_args(head)
        message = if name == :init, do: nil, else: hd(args)
        from = if name == :handle_call, do: Enum.at(args, 1)

        entered =
          quote(
            do: unquote(@rt).enter(unquote(name), __MODULE__, unquote(message), unquote(from))
          )

        body =
          Keyword.update(body, :do, nil, fn b ->
            quote(
              do:
                (
                  unquote(entered)
                  unquote(b)
                )
            )
          end)

        body = if name == :init, do: Keyword.update(body, :do, nil, &leaving/1), else: body
        {kind, meta, [head, body]}
    end
  end

  defp leaving(b), do: quote(do: try(do: unquote(b), after: unquote(@rt).leaving_callback()))

  defp polled(meta, clauses, after_clause) do
    quote do
      unquote(@rt).poll()
      unquote({:receive, [{:otpforge_polled, true} | meta], [[do: clauses, after: after_clause]]})
    end
  end

  defp capture_args({:when, m, [call, guard]}) do
    {call, vars} = capture_args(call)
    {{:when, m, [call, guard]}, vars}
  end

  defp capture_args({name, m, args}) do
    vars = for i <- 1..length(args), do: Macro.unique_var(:"otpforge_arg#{i}", __MODULE__)
    {{name, m, Enum.zip_with(args, vars, fn pattern, var -> {:=, [], [pattern, var]} end)}, vars}
  end

  defp point(other), do: other

  defp callback({:when, _, [call, _guard]}), do: callback(call)

  defp callback({name, _, args}) when is_atom(name) and is_list(args) do
    if Keyword.get(@callbacks, name) == length(args), do: name
  end

  defp callback(_), do: nil

  defp unalias({:__aliases__, _, parts}), do: Module.concat(parts)
  defp unalias(mod), do: mod
end
