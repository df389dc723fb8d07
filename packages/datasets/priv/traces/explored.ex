defmodule OtpForge.Trace.Explored do
  @moduledoc false
  # One run of a world under @otpforge/beam's explorer (generator jobs only;
  # replays run the same driver in real time, without this module). It is the
  # driver's clock: System's waits are virtual (a wait ends only once no other
  # process can move, so a wait of no time is quiescence) and each of its
  # operations is a choice point, like the world's own sends and callbacks. The
  # explorer runs the world once per schedule: a world is deterministic when
  # every schedule gives the same observation.

  alias OtpForge.Explore.Rt

  def op(mod, fun, args), do: Rt.call(mod, fun, args, nil)
  def wait_until(at), do: Rt.sleep_until(at, 0)
  def settle, do: Rt.sleep(0)

  @doc """
  The observation of one schedule: every spec's answer and the canonical events, as JSON in
  base64 (the explorer compares outcomes as the text `inspect` gives, which cuts strings past
  4096 characters: hence a list of shorter pieces).
  """
  # (The job quiets the Logger before exploring: a call to the Logger from here would be a wait
  # on a process outside the run, which the explorer cannot tell from a deadlock.)
  def run(world, specs) do
    run = OtpForge.Trace.Driver.run(world, 1, __MODULE__)
    events = OtpForge.Trace.Observe.events(world, run)

    observation = %{
      "answers" => Enum.map(specs, &OtpForge.Trace.Observe.answer(world, run, events, &1)),
      "events" => Enum.map(events, &OtpForge.Trace.Observe.export_event/1)
    }

    {:ok, json} = OtpForge.JSON.encode(observation)
    for <<piece::binary-size(4000) <- pad(Base.encode64(IO.iodata_to_binary(json)))>>, do: piece
  end

  # Base64's own padding character fills the last piece (the decoder drops it).
  defp pad(text) do
    missing = rem(4000 - rem(byte_size(text), 4000), 4000)
    text <> String.duplicate("=", missing)
  end
end
