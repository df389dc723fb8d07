defmodule OtpForge.Capture do
  @moduledoc false
  # An IO server (the Erlang I/O protocol) that keeps what a job prints.
  # It is the group leader of every job process, so IO.puts/IO.inspect/:io.format
  # land here and never on the worker's protocol channel. It stops keeping
  # text past `limit` bytes, adds a marker and tells the runner once.

  def start(limit, runner) do
    spawn(fn -> loop(%{limit: limit, runner: runner, size: 0, chunks: [], over: false}) end)
  end

  @doc "Everything captured so far: {text, truncated?}."
  def contents(pid) do
    ref = Process.monitor(pid)
    send(pid, {:otpforge_contents, self(), ref})

    receive do
      {^ref, text, over} ->
        Process.demonitor(ref, [:flush])
        {text, over}

      {:DOWN, ^ref, _, _, _} ->
        {"", false}
    after
      5000 -> {"", false}
    end
  end

  def stop(pid), do: Process.exit(pid, :kill)

  defp loop(st) do
    receive do
      {:io_request, from, reply_as, req} ->
        {reply, st} = request(req, st)
        send(from, {:io_reply, reply_as, reply})
        loop(st)

      {:otpforge_contents, from, ref} ->
        send(from, {ref, IO.iodata_to_binary(Enum.reverse(st.chunks)), st.over})
        loop(st)

      _other ->
        loop(st)
    end
  end

  defp request({:put_chars, enc, chars}, st), do: put(chars, enc, st)
  # Only io_lib formatting: the MFA comes from the (untrusted) requester.
  defp request({:put_chars, enc, :io_lib, f, args}, st)
       when f in [:format, :fwrite] and is_list(args) do
    try do
      put(apply(:io_lib, f, args), enc, st)
    catch
      _, _ -> {{:error, :format}, st}
    end
  end

  defp request({:put_chars, _enc, _m, _f, _a}, st), do: {{:error, :enotsup}, st}
  defp request({:put_chars, chars}, st), do: put(chars, :latin1, st)

  defp request({:requests, reqs}, st) when is_list(reqs) do
    Enum.reduce(reqs, {:ok, st}, fn r, {_, st} -> request(r, st) end)
  end

  defp request(:getopts, st), do: {[binary: true, encoding: :unicode], st}
  defp request({:setopts, _}, st), do: {:ok, st}
  defp request({:get_geometry, _}, st), do: {{:error, :enotsup}, st}
  # Nothing to read: a job's stdin is empty.
  defp request({:get_chars, _, _, _}, st), do: {:eof, st}
  defp request({:get_chars, _, _}, st), do: {:eof, st}
  defp request({:get_line, _, _}, st), do: {:eof, st}
  defp request({:get_line, _}, st), do: {:eof, st}
  defp request({:get_until, _, _, _, _, _}, st), do: {:eof, st}
  defp request({:get_until, _, _, _, _}, st), do: {:eof, st}
  defp request({:get_password, _}, st), do: {:eof, st}
  defp request(_, st), do: {{:error, :request}, st}

  defp put(chars, enc, st) do
    case to_binary(chars, enc) do
      {:ok, bin} -> {:ok, keep(bin, st)}
      :error -> {{:error, :put_chars}, st}
    end
  end

  defp to_binary(chars, enc) do
    case :unicode.characters_to_binary(chars, enc, :unicode) do
      bin when is_binary(bin) -> {:ok, bin}
      _ -> :error
    end
  rescue
    _ -> :error
  end

  defp keep(_bin, %{over: true} = st), do: st

  defp keep(bin, st) do
    size = st.size + byte_size(bin)

    if size <= st.limit do
      %{st | size: size, chunks: [bin | st.chunks]}
    else
      room = max(st.limit - st.size, 0)
      head = utf8_prefix(binary_part(bin, 0, room))
      marker = "\n...[output truncated: more than #{st.limit} bytes]\n"
      send(st.runner, {:otpforge_output_limit, self()})
      %{st | size: st.limit, chunks: [marker, head | st.chunks], over: true}
    end
  end

  # Cut at a character boundary so the kept text stays valid UTF-8.
  defp utf8_prefix(bin) do
    if String.valid?(bin), do: bin, else: utf8_prefix(binary_part(bin, 0, byte_size(bin) - 1))
  end
end

defmodule OtpForge.StderrRouter do
  @moduledoc false
  # Takes the place of the registered :standard_error so that what a job (or
  # Logger on its behalf) writes to stderr reaches that job's capture; between
  # jobs it goes to the worker's real stderr.

  def install do
    original = Process.whereis(:standard_error)
    router = spawn(fn -> loop(original, nil) end)
    Process.unregister(:standard_error)
    Process.register(router, :standard_error)
    router
  end

  def set_target(target) do
    send(:standard_error, {:otpforge_target, target, self()})

    receive do
      :otpforge_target_set -> :ok
    after
      5000 -> :ok
    end
  end

  defp loop(original, target) do
    receive do
      {:otpforge_target, t, from} ->
        send(from, :otpforge_target_set)
        loop(original, t)

      {:io_request, _, _, _} = req ->
        dest = if target && Process.alive?(target), do: target, else: original
        send(dest, req)
        loop(original, target)

      _ ->
        loop(original, target)
    end
  end
end
