# Ending one check before the next starts (project code): every process the
# check's tree started and every name it registered must be gone, or the next
# check inherits them (a hung Registry that outlived its tree made the next
# start fail with already_started).
defmodule OtpForge.DesignProbe.Cleanup do
  alias OtpForge.DesignProbe.Tree

  # What exists before a check: registered names (the runtime's, and the probe's).
  def before, do: MapSet.new(Process.registered())

  def finish(top, names_before) do
    # A process the check suspended would stall its supervisor's shutdown.
    Enum.each(Process.get(:otpforge_suspended, []), &OtpForge.DesignProbe.Behaviour.resume/1)
    started = [top | for({p, _, _} <- Tree.descendants(top), do: p)]
    Tree.stop(top)

    # Names registered during the check: module-named ones are the job's (the
    # runtime registered its own before the job began), and so is any name
    # held by a process of the tree.
    new_names = Enum.reject(Process.registered(), &MapSet.member?(names_before, &1))

    holders =
      new_names
      |> Enum.map(&{&1, Process.whereis(&1)})
      |> Enum.filter(fn {name, pid} -> is_pid(pid) and (job_name?(name) or pid in started) end)
      |> Enum.map(&elem(&1, 1))

    leftovers = Enum.uniq(started ++ holders) |> Enum.filter(&Process.alive?/1)
    monitors = Enum.map(leftovers, &Process.monitor/1)
    Enum.each(leftovers, &Process.exit(&1, :kill))
    Enum.each(monitors, &await_down/1)

    # A name, and an ETS table of that name (a Registry's), is released as its
    # owner ends; wait until both are free.
    OtpForge.DesignProbe.Observe.wait_until(2_000, fn ->
      Enum.all?(new_names, fn n ->
        not (job_name?(n) and (Process.whereis(n) != nil or :ets.whereis(n) != :undefined))
      end)
    end)

    Process.delete(:otpforge_suspended)
    Tree.flush_exits()
  end

  defp job_name?(name), do: String.starts_with?(Atom.to_string(name), "Elixir.")

  defp await_down(ref) do
    receive do
      {:DOWN, ^ref, :process, _, _} -> :ok
    after
      2_000 -> :ok
    end
  end
end
