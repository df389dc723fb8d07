defmodule OtpForge.CheckedSupervisor do
  @moduledoc false
  # A job's supervisor module runs under this one (OtpForge.Guard rewrites
  # Supervisor.start_link(mod, arg, opts)): OTP starts children from whatever
  # init/1 returns, so that value is checked here, child by child, however the
  # job defined init/1 (def, defdelegate, a default from `use`).
  @behaviour :supervisor

  @impl true
  def init({mod, arg}), do: OtpForge.Guard.supervisor_result(mod.init(arg))
end

defmodule OtpForge.CheckedDynamicSupervisor do
  @moduledoc false
  # The same for DynamicSupervisor.start_link(mod, arg, opts): its init/1 may
  # set extra_arguments, put before every child's own arguments.
  @behaviour DynamicSupervisor

  @impl true
  def init({mod, arg}), do: OtpForge.Guard.dynamic_result(mod.init(arg))
end
