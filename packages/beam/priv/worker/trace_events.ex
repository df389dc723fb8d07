defmodule OtpForge.TraceEvents do
  @moduledoc false
  # Raw BEAM trace messages -> ordered, labelled events.
  #
  # Order: the strict monotonic timestamp of each trace message.
  # Labels: the job's root is "main"; a process that registered a name is
  # known by it ("Counter", a second process under the same name "Counter#2");
  # other processes are "p1", "p2"... in spawn order. Pids and references
  # inside message texts are written #PID<label> and #Ref<n>.
  # GenServer calls are recognised by the :"$gen_call" tag; replies (sent to a
  # process alias since OTP 24) are mapped back to the caller.

  def build(raw, ctx) do
    raw = Enum.sort_by(raw, &elem(&1, tuple_size(&1) - 1))
    labels = labels(raw, ctx.root)
    st = %{labels: labels, owner: %{}, aliases: %{}, tags: MapSet.new(), monitors: %{}, pending_mon: %{}, sends: %{}, refs: %{}, events: [], infra: ctx.infra}
    st = Enum.reduce(raw, st, &event/2)

    st.events
    |> Enum.reverse()
    |> Enum.with_index(1)
    |> Enum.map(fn {e, i} -> Map.put(e, "seq", i) end)
  end

  # ---- labels ----------------------------------------------------------------

  defp labels(raw, root) do
    spawned = for {:trace_ts, _, :spawn, child, _, _} <- raw, do: child
    named = for {:trace_ts, pid, :register, name, _} <- raw, reduce: [] do
      acc -> if List.keymember?(acc, pid, 0), do: acc, else: acc ++ [{pid, name}]
    end

    {named_labels, _} =
      Enum.reduce(named, {%{}, %{}}, fn {pid, name}, {labels, counts} ->
        n = Map.get(counts, name, 0) + 1
        text = name_text(name)
        {Map.put(labels, pid, if(n == 1, do: text, else: "#{text}##{n}")), Map.put(counts, name, n)}
      end)

    {labels, _} =
      Enum.reduce(spawned, {Map.merge(%{root => "main"}, named_labels), 1}, fn pid, {labels, i} ->
        if Map.has_key?(labels, pid), do: {labels, i}, else: {Map.put(labels, pid, "p#{i}"), i + 1}
      end)

    Map.put(labels, root, Map.get(named_labels, root, "main"))
  end

  defp name_text(name) do
    case Atom.to_string(name) do
      "Elixir." <> rest -> rest
      s -> s
    end
  end

  # ---- events ----------------------------------------------------------------

  defp event({:trace_ts, pid, :register, name, _}, st) do
    st = %{st | owner: Map.put(st.owner, name, pid)}
    emit(st, %{"kind" => "register", "pid" => label(st, pid), "name" => name_text(name)}, pid)
  end

  defp event({:trace_ts, pid, :unregister, name, _}, st) do
    emit(st, %{"kind" => "unregister", "pid" => label(st, pid), "name" => name_text(name)}, pid)
  end

  defp event({:trace_ts, pid, :spawn, child, _mfa, _}, st),
    do: emit(st, %{"kind" => "spawn", "pid" => label(st, pid), "to" => label(st, child)}, pid)

  defp event({:trace_ts, pid, :exit, reason, _}, st) do
    {text, st} = text(reason, st)
    emit(st, %{"kind" => "exit", "pid" => label(st, pid), "reason" => text}, pid)
  end

  defp event({:trace_ts, pid, kind, other, _}, st) when kind in [:link, :unlink] do
    case label(st, other) do
      nil -> st
      to -> emit(st, %{"kind" => Atom.to_string(kind), "pid" => label(st, pid), "to" => to}, pid)
    end
  end

  defp event({:trace_ts, pid, kind, msg, to, _}, st) when kind in [:send, :send_to_non_existing_process] do
    dest = resolve_dest(to, st)

    cond do
      dest == :drop ->
        st

      true ->
        st = note_call(msg, st)
        {via, payload} = classify(msg, st)
        {text, st} = text(payload, st)
        e = %{"kind" => "send", "pid" => label(st, pid), "from" => label(st, pid), "to" => dest, "message" => text}
        e = if via, do: Map.put(e, "via", via), else: e
        e = if kind == :send_to_non_existing_process, do: Map.put(e, "dead", true), else: e
        st = emit(st, e, pid)
        key = {dest_pid(to, st), msg}
        %{st | sends: Map.update(st.sends, key, [label(st, pid)], &(&1 ++ [label(st, pid)]))}
    end
  end

  defp event({:trace_ts, pid, :receive, msg, _}, st) do
    key = {pid, msg}

    {from, st} =
      case Map.get(st.sends, key) do
        [f | rest] -> {f, %{st | sends: Map.put(st.sends, key, rest)}}
        _ -> {nil, st}
      end

    cond do
      from == nil and infra_message?(msg, st) ->
        st

      true ->
        {via, payload} = classify(msg, st)
        from = from || signal_sender(msg, st)
        {text, st} = text(payload, st)
        e = %{"kind" => "receive", "pid" => label(st, pid), "to" => label(st, pid), "message" => text}
        e = if from, do: Map.put(e, "from", from), else: e
        e = if via, do: Map.put(e, "via", via), else: e
        emit(st, e, pid)
    end
  end

  defp event({:trace_ts, pid, :call, {:erlang, :monitor, [_type, target | opts]}, _}, st) do
    if alias_monitor?(opts), do: st, else: %{st | pending_mon: Map.put(st.pending_mon, pid, target)}
  end

  defp event({:trace_ts, pid, :return_from, {:erlang, :monitor, _}, ref, _}, st) do
    case Map.pop(st.pending_mon, pid) do
      {nil, _} ->
        st

      {target, pending} ->
        st = %{st | pending_mon: pending, monitors: Map.put(st.monitors, ref, target)}

        case target_label(target, st) do
          nil -> st
          to -> emit(st, %{"kind" => "monitor", "pid" => label(st, pid), "to" => to}, pid)
        end
    end
  end

  defp event({:trace_ts, pid, :call, {:erlang, :demonitor, [ref | _]}, _}, st) do
    case Map.fetch(st.monitors, ref) do
      {:ok, target} ->
        case target_label(target, st) do
          nil -> st
          to -> emit(st, %{"kind" => "demonitor", "pid" => label(st, pid), "to" => to}, pid)
        end

      :error ->
        st
    end
  end

  defp event({:trace_ts, pid, :call, {:erlang, :exit, [target, reason]}, _}, st) do
    case target_label(target, st) do
      nil ->
        st

      to ->
        {text, st} = text(reason, st)
        emit(st, %{"kind" => "signal", "pid" => label(st, pid), "to" => to, "reason" => text}, pid)
    end
  end

  defp event(_, st), do: st

  defp emit(st, e, pid) do
    if label(st, pid), do: %{st | events: [e | st.events]}, else: st
  end

  defp alias_monitor?(opts) do
    Enum.any?(List.flatten(opts), fn
      {:alias, _} -> true
      _ -> false
    end)
  end

  defp label(st, pid) when is_pid(pid), do: Map.get(st.labels, pid)
  defp label(_, _), do: nil

  defp target_label(pid, st) when is_pid(pid), do: label(st, pid)

  defp target_label(name, st) when is_atom(name) do
    case Map.fetch(st.owner, name) do
      {:ok, pid} -> label(st, pid)
      :error -> nil
    end
  end

  defp target_label({name, _node}, st) when is_atom(name), do: target_label(name, st)
  defp target_label(_, _), do: nil

  defp resolve_dest(to, st) when is_pid(to), do: label(st, to) || :drop
  defp resolve_dest(to, st) when is_atom(to), do: target_label(to, st) || :drop

  defp resolve_dest(ref, st) when is_reference(ref) do
    case Map.fetch(st.aliases, ref) do
      {:ok, pid} -> label(st, pid) || :drop
      :error -> :drop
    end
  end

  defp resolve_dest(other, st), do: target_label(other, st) || :drop

  defp dest_pid(to, _st) when is_pid(to), do: to
  defp dest_pid(to, st) when is_atom(to), do: Map.get(st.owner, to)
  defp dest_pid(ref, st) when is_reference(ref), do: Map.get(st.aliases, ref)
  defp dest_pid({name, _}, st) when is_atom(name), do: Map.get(st.owner, name)
  defp dest_pid(_, _), do: nil

  # A GenServer call carries {caller, tag}; the reply goes to the tag's alias.
  defp note_call({:"$gen_call", {from, [:alias | ref] = tag}, _}, st) when is_pid(from),
    do: %{st | aliases: Map.put(st.aliases, ref, from), tags: MapSet.put(st.tags, tag)}

  defp note_call({:"$gen_call", {from, tag}, _}, st) when is_pid(from), do: %{st | tags: MapSet.put(st.tags, tag)}
  defp note_call(_, st), do: st

  defp classify({:"$gen_call", {_, _}, req}, _st), do: {"call", req}
  defp classify({:"$gen_cast", req}, _st), do: {"cast", req}

  defp classify({tag, reply} = msg, st) do
    if MapSet.member?(st.tags, tag), do: {"reply", reply}, else: {nil, msg}
  end

  defp classify(msg, _st), do: {nil, msg}

  defp signal_sender({:EXIT, pid, _}, st), do: label(st, pid)
  defp signal_sender({:DOWN, _, _, pid, _}, st) when is_pid(pid), do: label(st, pid)
  defp signal_sender(_, _), do: nil

  # Messages of the machinery, not of the job: I/O replies, code loading,
  # replies from runtime servers, the runner's start signal.
  # The tracer reports a `receive ... after` that timed out as a receive of `timeout`.
  defp infra_message?(:timeout, _), do: true
  defp infra_message?({:io_reply, _, _}, _), do: true
  defp infra_message?({:otpforge_go, _}, _), do: true
  defp infra_message?({:otpforge_trace_on, _}, _), do: true
  defp infra_message?({:code_server, _}, _), do: true
  defp infra_message?({[:alias | _] = tag, _}, st), do: not MapSet.member?(st.tags, tag)
  defp infra_message?({ref, _}, st) when is_reference(ref), do: not MapSet.member?(st.tags, ref)
  defp infra_message?(_, _), do: false

  # ---- message text ------------------------------------------------------------

  defp text(term, st) do
    {t, st} = relabel(term, st, 0)
    s = inspect(t, limit: 50, printable_limit: 1024, width: :infinity)
    s = Regex.replace(~r/\{:otpforge_pid, "([^"]*)"\}/, s, "#PID<\\1>")
    s = Regex.replace(~r/\{:otpforge_ref, (\d+)\}/, s, "#Ref<\\1>")
    {s, st}
  end

  defp relabel(_term, st, depth) when depth > 20, do: {:..., st}

  defp relabel(pid, st, _) when is_pid(pid), do: {{:otpforge_pid, label(st, pid) || "external"}, st}

  defp relabel(ref, st, _) when is_reference(ref) do
    case Map.fetch(st.refs, ref) do
      {:ok, n} -> {{:otpforge_ref, n}, st}
      :error ->
        n = map_size(st.refs) + 1
        {{:otpforge_ref, n}, %{st | refs: Map.put(st.refs, ref, n)}}
    end
  end

  defp relabel(t, st, d) when is_tuple(t) do
    {items, st} = relabel_list(Tuple.to_list(t), st, d + 1)
    {List.to_tuple(items), st}
  end

  defp relabel([_ | _] = l, st, d), do: relabel_list(l, st, d + 1)

  defp relabel(m, st, d) when is_map(m) and not is_struct(m) do
    {pairs, st} =
      Enum.map_reduce(m, st, fn {k, v}, st ->
        {k, st} = relabel(k, st, d + 1)
        {v, st} = relabel(v, st, d + 1)
        {{k, v}, st}
      end)

    {Map.new(pairs), st}
  end

  defp relabel(other, st, _), do: {other, st}

  # Proper and improper lists (an alias tag is [:alias | ref]).
  defp relabel_list([h | t], st, d) do
    {h, st} = relabel(h, st, d)

    {t, st} =
      case t do
        [] -> {[], st}
        [_ | _] -> relabel_list(t, st, d)
        other -> relabel(other, st, d)
      end

    {[h | t], st}
  end

  defp relabel_list([], st, _), do: {[], st}
end
