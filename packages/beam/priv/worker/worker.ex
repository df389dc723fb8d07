defmodule OtpForge.Worker do
  @moduledoc false
  # Entry point of a worker VM (erl -s Elixir.OtpForge.Worker main).
  # Talks to Node over fd 3 with 4-byte length-prefixed JSON frames; fd 1
  # and 2 stay free for anything the VM prints by itself. One job at a time.

  alias OtpForge.{JSON, Job, Policy}

  def main do
    {:ok, _} = Application.ensure_all_started(:elixir)
    configure_logger()
    OtpForge.StderrRouter.install()
    :logger.add_handler(:otpforge_heap, OtpForge.LogHandler, %{level: :all})
    Process.register(self(), :otpforge_runner)
    Process.flag(:priority, :high)
    Process.flag(:trap_exit, true)
    # Before anything runs: a job's baseline (cleanup, persistent terms) includes the preloads.
    OtpForge.Preload.install()
    warm_up()
    port = Port.open({:fd, 3, 3}, [:binary, {:packet, 4}, :eof])

    reply(port, %{
      "op" => "ready",
      "elixir" => System.version(),
      "otp" => System.otp_release(),
      "os_pid" => System.pid()
    })

    loop(port)
  end

  # A fresh VM loads the compiler, the policy and the guards on its first job,
  # which makes that job ~5x slower. Spares are booted ahead of need, so the
  # loading is done here, with a program of our own (the VM stays one that has
  # run nothing untrusted), before the VM says it is ready.
  @warm_module """
  defmodule OtpForgeWarmUp do
    use GenServer
    def start_link(n), do: GenServer.start_link(__MODULE__, n)
    @impl true
    def init(n), do: {:ok, n}
    @impl true
    def handle_call(:inc, _from, n), do: {:reply, n + 1, n + 1}
  end
  """

  defp warm_up do
    job = %{
      "files" => [%{"name" => "warm_up.ex", "source" => @warm_module}],
      "script" => "{:ok, pid} = OtpForgeWarmUp.start_link(1)\nGenServer.call(pid, :inc)",
      "limits" => %{"timeoutMs" => 30_000}
    }

    _ = safely(fn -> Job.run(job) end)
    # The untrusted path installs the compiler tracer; a VM may serve trusted jobs next.
    Code.put_compiler_option(:tracers, [])
    :ok
  end

  # Logger's output goes to :standard_error, i.e. to the running job's stderr.
  defp configure_logger do
    # Loading first: loading an application resets its environment from its .app file.
    Application.load(:logger)
    Application.put_env(:logger, :console, device: :standard_error, format: "[$level] $message\n")
    Application.put_env(:logger, :default_handler, %{config: %{type: :standard_error}})
    Application.put_env(:logger, :default_formatter, format: "[$level] $message\n")
    Application.put_env(:logger, :handle_sasl_reports, false)

    # On 1.14 Logger swaps OTP's default handler for its own; on >= 1.15 it
    # reconfigures the default handler with the settings above.
    _ = Application.ensure_all_started(:logger)
    :ok
  end

  defp loop(port) do
    receive do
      {^port, {:data, data}} ->
        handle(port, data)
        loop(port)

      {^port, :eof} ->
        System.halt(0)

      {:EXIT, ^port, _} ->
        System.halt(0)

      _stray ->
        loop(port)
    end
  end

  defp handle(port, data) do
    case JSON.decode(data) do
      # The nonce goes back with the answer: Node takes an answer only with the
      # nonce of its request, so frames written by job code are recognised.
      {:ok, %{"op" => "run", "id" => id, "nonce" => nonce, "job" => job}} ->
        result = safely(fn -> Job.run(job) end)
        reply(port, %{"op" => "result", "id" => id, "nonce" => nonce, "result" => result})

      {:ok, %{"op" => "policy", "id" => id, "nonce" => nonce, "sources" => sources}} ->
        srcs = for s <- sources, do: {s["name"] || "source.ex", s["source"] || ""}

        result =
          safely(fn ->
            case Policy.check(srcs, rewrite: false) do
              {:ok, _} ->
                %{"ok" => true}

              {:violations, vs} ->
                %{
                  "ok" => false,
                  "violations" =>
                    Enum.map(
                      vs,
                      &%{"message" => &1.message, "line" => &1.line, "file" => &1.file}
                    )
                }

              {:syntax_error, m} ->
                %{
                  "ok" => false,
                  "syntaxError" => true,
                  "violations" => [%{"message" => m, "line" => 0}]
                }
            end
          end)

        # Parsing makes atoms and may load modules; nothing else to clean.
        reply(port, %{
          "op" => "policy",
          "id" => id,
          "nonce" => nonce,
          "result" => result,
          "health" => %{"atoms" => :erlang.system_info(:atom_count), "clean" => true}
        })

      {:ok, %{"op" => "ping", "id" => id, "nonce" => nonce}} ->
        reply(port, %{"op" => "pong", "id" => id, "nonce" => nonce})

      {:ok, other} ->
        reply(port, %{
          "op" => "error",
          "id" => other["id"],
          "nonce" => other["nonce"],
          "message" => "unknown request"
        })

      {:error, msg} ->
        reply(port, %{"op" => "error", "message" => "bad frame: #{msg}"})
    end
  end

  # A bug in the worker itself must not look like the job's fault.
  defp safely(fun) do
    fun.()
  catch
    kind, reason ->
      %{
        "status" => "crashed",
        "message" =>
          "the worker failed: " <> Job.first_line(Exception.format(kind, reason, __STACKTRACE__)),
        "stdout" => "",
        "stderr" => Exception.format(kind, reason, __STACKTRACE__),
        "durationMs" => 0,
        "health" => %{"clean" => false}
      }
  end

  defp reply(port, map), do: Port.command(port, JSON.encode!(map))
end

defmodule OtpForge.LogHandler do
  @moduledoc false
  # A :logger handler that only watches for "maximum heap size reached"
  # (the VM reports it when max_heap_size kills a process) and tells the runner.

  def log(%{msg: msg} = event, _config) do
    if heap_report?(msg) do
      case Process.whereis(:otpforge_runner) do
        nil -> :ok
        # The group leader tells which job the killed process belonged to.
        runner -> send(runner, {:otpforge_heap_kill, get_in(event, [:meta, :gl])})
      end
    end

    :ok
  end

  defp heap_report?({:report, %{label: {:erlang, :max_heap_size}}}), do: true
  defp heap_report?({:report, r}) when is_map(r), do: Map.has_key?(r, :max_heap_size)

  defp heap_report?({fmt, args}) when is_list(fmt) and is_list(args),
    do: :string.find(fmt, ~c"maximum heap size") != :nomatch

  defp heap_report?({:format, fmt, _}) when is_list(fmt),
    do: :string.find(fmt, ~c"maximum heap size") != :nomatch

  defp heap_report?({:format, fmt, _}) when is_binary(fmt),
    do: String.contains?(fmt, "maximum heap size")

  defp heap_report?({:string, s}), do: :string.find(s, ~c"maximum heap size") != :nomatch
  defp heap_report?(_), do: false
end
