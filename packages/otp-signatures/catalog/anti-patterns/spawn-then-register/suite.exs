defmodule Scenario do
  # Pass-to-pass: every public function, through the API, with inputs drawn
  # from the run's seed. Passes on the buggy code and on any correct fix.
  import FixBugSuite

  def run do
    # One caller at a time (the race is the harness's business).
    pid = Settings.ensure_started()
    again = Settings.ensure_started()
    key = pick([:timeout, :retries, :host, :mode])

    # A few concurrent starters once the server is up: each gets that server.
    late = for _ <- 1..int(3, 8), do: Task.async(&Settings.ensure_started/0)
    late = Enum.map(late, &Task.await(&1, 2_000))

    with :ok <- expect(:ensure_started_returns_a_pid, is_pid(pid), true),
         :ok <- expect(:ensure_started_is_idempotent, again, pid),
         :ok <- expect(:ensure_started_when_running, Enum.uniq(late), [pid]),
         :ok <- expect(:registered_under_the_module_name, Process.whereis(Settings), pid),
         :ok <- expect(:fetch_known_key, Settings.fetch(:pool_size), {:ok, 10}) do
      expect(:fetch_unknown_key, Settings.fetch(key), :error)
    end
  end
end
