defmodule OtpForge.Trace.Observe do
  @moduledoc false
  # Turns one run's raw trace into the observations questions are asked about,
  # and answers a question spec with canonical Elixir term text (what `inspect`
  # prints). The dataset generator and every replay script use this same code.

  @inspect_opts [limit: :infinity, printable_limit: :infinity, charlists: :as_lists]

  def text(term), do: canon(scrub(term))

  # One canonical syntax (the questions say it): a list of pairs whose first element is an atom
  # prints as such, [{:add, 1}], never in keyword syntax ([add: 1]) as inspect would; the rest
  # as inspect prints it.
  defp canon(list) when is_list(list) and list != [] do
    if proper?(list),
      do: "[" <> Enum.map_join(list, ", ", &canon/1) <> "]",
      else: inspect(list, @inspect_opts)
  end

  defp canon(t) when is_tuple(t),
    do: "{" <> (t |> Tuple.to_list() |> Enum.map_join(", ", &canon/1)) <> "}"

  defp canon(other), do: inspect(other, @inspect_opts)

  defp proper?([]), do: true
  defp proper?([_ | tail]), do: proper?(tail)
  defp proper?(_), do: false

  @doc """
  Makes a term the same in every run and on every node: pids become :pid,
  references :ref, a caller's `from` :from, the local node :nonode@nohost, and
  the reason inside a :DOWN message its exit class.
  """
  def scrub(t) when is_pid(t), do: :pid
  def scrub(t) when is_reference(t), do: :ref
  def scrub(t) when is_port(t), do: :port
  def scrub(t) when is_atom(t) and t == node(), do: :nonode@nohost
  def scrub({pid, tag}) when is_pid(pid) and (is_reference(tag) or is_list(tag)), do: :from

  def scrub({:DOWN, ref, :process, object, reason}) when is_reference(ref),
    do: {:DOWN, :ref, :process, scrub(object), exit_class(reason)}

  def scrub([head | tail]), do: [scrub(head) | scrub(tail)]
  def scrub(t) when is_tuple(t), do: t |> Tuple.to_list() |> Enum.map(&scrub/1) |> List.to_tuple()
  def scrub(t) when is_map(t), do: Map.new(t, fn {k, v} -> {scrub(k), scrub(v)} end)
  def scrub(t), do: t

  @doc "Canonical events of a run: ordered by step, then process (world order), then time."
  def events(world, run) do
    names = world.names ++ List.wrap(world.supervisor)
    rank = names |> Enum.with_index() |> Map.new()
    raw = Enum.sort_by(run.events, &ts/1)
    owner = owners(raw, MapSet.new(names))

    raw
    |> Enum.filter(fn ev -> Map.has_key?(owner, elem(ev, 1)) end)
    |> Enum.group_by(fn ev -> elem(ev, 1) end)
    |> Enum.flat_map(fn {pid, evs} -> pid_events(Map.fetch!(owner, pid), evs) end)
    |> Enum.map(fn ev -> Map.put(ev, :seg, segment(ev.ts, run.marks)) end)
    |> Enum.reject(fn ev -> ev.seg > length(world.steps) end)
    # A supervisor's own mail (start acks, exits) is not what questions are about.
    |> Enum.reject(fn ev -> ev.type == :lost and ev.proc == world.supervisor end)
    |> Enum.sort_by(fn ev -> {ev.seg, Map.fetch!(rank, ev.proc), ev.ts} end)
    |> number_inits()
  end

  defp ts(ev), do: elem(ev, tuple_size(ev) - 1)

  # pid -> registered module, learnt from the init/1 call each world process makes.
  defp owners(raw, modules) do
    for {:trace_ts, pid, :call, {m, :init, _}, _} <- raw,
        MapSet.member?(modules, m),
        into: %{},
        do: {pid, m}
  end

  defp segment(ts, marks), do: Enum.count(marks, fn m -> m < ts end)

  # Events of one process incarnation: handled messages, crashes, exit, lost mail.
  defp pid_events(proc, evs) do
    {out, pending, received} =
      Enum.reduce(evs, {[], nil, []}, fn ev, {out, pending, received} ->
        case ev do
          {:trace_ts, _, :call, {_, :init, [arg]}, ts} ->
            {out, {:init, arg, ts}, received}

          {:trace_ts, _, :call, {_, cb, args}, ts}
          when cb in [:handle_call, :handle_cast, :handle_info] ->
            {out, {cb, scrub(hd(args)), List.last(args), ts}, received}

          {:trace_ts, _, :return_from, {_, :init, 1}, result, _} ->
            {:init, _arg, ts} = pending
            state = with {:ok, s} <- result, do: s
            {[%{type: :init, proc: proc, state: state, ts: ts} | out], nil, received}

          {:trace_ts, _, :return_from, {_, cb, _}, result, _}
          when cb in [:handle_call, :handle_cast, :handle_info] ->
            {_, msg, before, ts} = pending
            {[handled(proc, cb, msg, before, result, ts) | out], nil, received}

          {:trace_ts, _, :exception_from, {_, cb, _}, {class, reason}, _}
          when cb in [:handle_call, :handle_cast, :handle_info] ->
            {_, msg, before, ts} = pending

            crash = %{
              type: :handle,
              proc: proc,
              cb: short(cb),
              msg: msg,
              before: before,
              ok: false,
              reason: crash_class(class, reason),
              ts: ts
            }

            {[crash | out], nil, received}

          {:trace_ts, _, :receive, message, _} ->
            case user_message(message) do
              nil -> {out, pending, received}
              {cb, msg} -> {out, pending, [{cb, scrub(msg)} | received]}
            end

          {:trace_ts, _, :exit, reason, ts} ->
            handled = for %{type: :handle, cb: cb, msg: msg} <- out, do: {cb, msg}
            lost = Enum.reverse(received) -- handled

            lost_events =
              Enum.map(lost, fn {cb, msg} ->
                %{type: :lost, proc: proc, cb: cb, msg: msg, ts: ts}
              end)

            {Enum.reverse(lost_events) ++
               [%{type: :exit, proc: proc, reason: exit_class(reason), ts: ts} | out], pending,
             received}

          _ ->
            {out, pending, received}
        end
      end)

    _ = {pending, received}
    Enum.reverse(out)
  end

  defp handled(proc, cb, msg, before, result, ts) do
    base = %{type: :handle, proc: proc, cb: short(cb), msg: msg, before: before, ok: true, ts: ts}

    case result do
      {:reply, reply, state} ->
        Map.merge(base, %{reply: {:value, reply}, after: state})

      {:noreply, state} ->
        Map.put(base, :after, state)

      {:stop, reason, state} ->
        Map.merge(base, %{after: state, stop: reason})

      {:stop, reason, reply, state} ->
        Map.merge(base, %{after: state, stop: reason, reply: {:value, reply}})

      other ->
        Map.put(base, :bad_return, other)
    end
  end

  defp short(:handle_call), do: :call
  defp short(:handle_cast), do: :cast
  defp short(:handle_info), do: :info

  defp user_message({:"$gen_cast", msg}), do: {:cast, msg}
  defp user_message({:"$gen_call", _from, msg}), do: {:call, msg}
  defp user_message({tag, _}) when is_reference(tag) or is_list(tag), do: nil
  defp user_message({tag, _, _}) when tag in [:system, :EXIT], do: nil
  defp user_message({tag, _}) when tag in [:code_server, :io_reply], do: nil
  defp user_message({:DOWN, _, _, _, _}), do: nil
  # The explorer's own messages to the processes it schedules (generator runs only).
  defp user_message({tag, ref})
       when tag in [:explore_go, :"$otpforge_after"] and is_reference(ref),
       do: nil

  defp user_message(:timeout), do: nil
  defp user_message(msg), do: {:info, msg}

  defp number_inits(events) do
    {out, _} =
      Enum.map_reduce(events, %{}, fn
        %{type: :init, proc: p} = ev, seen ->
          n = Map.get(seen, p, 0)
          {Map.put(ev, :n, n), Map.put(seen, p, n + 1)}

        ev, seen ->
          {ev, seen}
      end)

    out
  end

  @doc "The class of an exit reason: :noproc, :timeout, :calling_self, :killed, or an exception module."
  def exit_class({reason, {mod, fun, _args}})
      when mod in [GenServer, :gen_server, :gen] and fun in [:call, :do_call],
      do: exit_class(reason)

  def exit_class({%{__exception__: true} = e, stack}) when is_list(stack), do: e.__struct__
  def exit_class({:shutdown, _}), do: :shutdown
  def exit_class({:timeout, _}), do: :timeout
  def exit_class({:function_clause, stack}) when is_list(stack), do: FunctionClauseError
  def exit_class({:badarith, stack}) when is_list(stack), do: ArithmeticError
  def exit_class({{:badmatch, _}, stack}) when is_list(stack), do: MatchError
  def exit_class({:undef, stack}) when is_list(stack), do: UndefinedFunctionError
  def exit_class({:bad_return_value, _}), do: :bad_return_value
  def exit_class(reason) when is_atom(reason), do: reason
  def exit_class(_other), do: :error

  defp crash_class(:error, reason) do
    e = Exception.normalize(:error, reason, [])
    if is_exception(e), do: e.__struct__, else: :error
  end

  defp crash_class(:exit, reason), do: exit_class(reason)
  defp crash_class(:throw, _), do: :nocatch

  @doc "The call result as the question asks for it: the reply, or {:exit, class}."
  def call_result({:ok, value}), do: value
  def call_result({:exit, reason}), do: {:exit, exit_class(reason)}

  @doc "Answers one question spec for one run, as canonical term text."
  def answer(world, run, events, spec)

  def answer(_world, run, _events, {:final_state, name}) do
    case Map.fetch!(run.final, name) do
      {:alive, state} -> text(state)
      :dead -> text(:dead)
    end
  end

  def answer(_world, run, _events, {:call_result, step}),
    do: text(call_result(Map.fetch!(run.calls, step)))

  def answer(world, run, _events, :alive) do
    text(
      Enum.filter(world.names, fn name -> match?({:alive, _}, Map.fetch!(run.final, name)) end)
    )
  end

  def answer(_world, _run, events, {:restarts, name}) do
    text(Enum.count(events, &match?(%{type: :init, proc: ^name}, &1)) - 1)
  end

  def answer(_world, _run, events, {:order, name}) do
    text(for %{type: :handle, proc: ^name, msg: msg} <- events, do: msg)
  end

  def answer(_world, _run, events, {:fate, name, msg}) do
    handled = for %{type: :handle, proc: ^name, msg: ^msg, ok: ok} <- events, do: ok
    lost = for %{type: :lost, proc: ^name, msg: ^msg} <- events, do: true

    cond do
      length(handled) + length(lost) > 1 -> text(:ambiguous)
      handled == [true] -> text(:handled)
      handled == [false] -> text(:crashed_while_handling)
      lost == [true] -> text(:lost_in_mailbox)
      true -> text(:never_delivered)
    end
  end

  def answer(_world, _run, events, {:next_handled, name, after_step}) do
    case Enum.find(
           events,
           &match?(%{type: :handle, proc: ^name, seg: seg} when seg > after_step, &1)
         ) do
      nil -> text(:none)
      ev -> text(ev.msg)
    end
  end

  @doc "Events as JSON-ready maps of strings, for the generator's trace and reasoning text."
  def export_event(ev) do
    ev
    |> Map.delete(:ts)
    |> Enum.map(fn
      {k, v} when k in [:type, :cb, :proc] -> {Atom.to_string(k), text_or_string(v)}
      {:reply, {:value, v}} -> {"reply", text(v)}
      {k, v} when k in [:seg, :n, :ok] -> {Atom.to_string(k), v}
      {k, v} -> {Atom.to_string(k), text(v)}
    end)
    |> Map.new()
  end

  defp text_or_string(v) when is_atom(v) do
    s = Atom.to_string(v)
    if String.starts_with?(s, "Elixir."), do: String.replace_prefix(s, "Elixir.", ""), else: s
  end

  @doc "Runs the world `runs` times and answers every spec for each run (the generator's job)."
  def observe(world, specs, seeds) do
    world
    |> OtpForge.Trace.Driver.run_many(seeds)
    |> Enum.map(fn run ->
      events = events(world, run)

      %{
        "answers" => Enum.map(specs, &answer(world, run, events, &1)),
        "events" => Enum.map(events, &export_event/1),
        "lag" => run.lag_ms
      }
    end)
  end
end
