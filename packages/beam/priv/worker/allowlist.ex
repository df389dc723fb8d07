defmodule OtpForge.Allowlist do
  @moduledoc false
  # What sandboxed code may call: modules and functions suited to OTP
  # exercises. Anything else that exists in the runtime is refused. Modules
  # that exist nowhere are let through (the call fails at run time as it
  # would anywhere), and so are modules the job itself defines.

  @all :all

  # Whole modules: pure data functions or OTP building blocks.
  @whole ~w(
    Enum Stream List Map MapSet Keyword Tuple Integer Float Range Access Bitwise Base
    Date Time DateTime NaiveDateTime Calendar Calendar.ISO Regex URI Version
    Inspect Inspect.Algebra Inspect.Opts String.Chars Enumerable Collectable List.Chars
    Exception IO.ANSI StringIO Agent GenServer Supervisor DynamicSupervisor Task
    Task.Supervisor Registry PartitionSupervisor Kernel.SpecialForms
  )a |> Enum.map(&Module.concat([&1]))

  @erlang_whole [
    :queue,
    :lists,
    :maps,
    :sets,
    :gb_trees,
    :gb_sets,
    :dict,
    :orddict,
    :ordsets,
    :array,
    :math,
    :rand,
    :string,
    :unicode,
    :binary,
    :proplists,
    :calendar,
    :counters,
    :atomics,
    :digraph,
    :digraph_utils,
    :base64,
    :uri_string,
    :re
  ]

  @partial %{
    Kernel => @all,
    String => {:except, [:to_atom, :to_existing_atom]},
    Atom => [:to_string, :to_charlist],
    Function => [:identity, :info],
    IO => [
      :puts,
      :write,
      :inspect,
      :warn,
      :iodata_to_binary,
      :iodata_length,
      :chardata_to_string,
      :gets,
      :read,
      :binwrite
    ],
    Process => [
      :alive?,
      :delete,
      :demonitor,
      :exit,
      :flag,
      :get,
      :get_keys,
      :group_leader,
      :hibernate,
      :info,
      :link,
      :list,
      :monitor,
      :put,
      :read_timer,
      :cancel_timer,
      :register,
      :registered,
      :send,
      :send_after,
      :sleep,
      :spawn,
      :unlink,
      :unregister,
      :whereis,
      :alias,
      :unalias
    ],
    System => [
      :monotonic_time,
      :system_time,
      :os_time,
      :unique_integer,
      :convert_time_unit,
      :schedulers,
      :schedulers_online,
      :otp_release,
      :version,
      :time_offset,
      :stacktrace
    ],
    Application => [:get_env, :fetch_env, :fetch_env!, :compile_env, :compile_env!],
    Node => [:self, :alive?, :list],
    Module => [
      :register_attribute,
      :put_attribute,
      :get_attribute,
      :delete_attribute,
      :defines?,
      :definitions_in,
      :split,
      :__info__,
      :has_attribute?,
      :attributes_in
    ],
    Macro => [
      :escape,
      :to_string,
      :var,
      :unique_var,
      :camelize,
      :underscore,
      :pipe,
      :unpipe,
      :decompose_call
    ],
    Path => [:join, :basename, :dirname, :extname, :rootname, :split],
    Logger => [
      :debug,
      :info,
      :notice,
      :warning,
      :warn,
      :error,
      :critical,
      :alert,
      :emergency,
      :log,
      :bare_log,
      :metadata,
      :reset_metadata,
      :level,
      :enabled?,
      :__should_log__,
      :__do_log__
    ],
    Record => [:defrecord, :defrecordp, :is_record],
    # Not fread and friends: ~a makes atoms from text.
    :io_lib => [
      :format,
      :fwrite,
      :write,
      :print,
      :write_string,
      :write_atom,
      :chars_length,
      :nl,
      :indentation,
      :printable_list,
      :printable_unicode_list,
      :latin1_char_list
    ],
    # The public API only: :ets also exports internals (internal_delete_all, ...) that skip its checks.
    :ets => [
      :new,
      :insert,
      :insert_new,
      :lookup,
      :lookup_element,
      :member,
      :delete,
      :delete_object,
      :delete_all_objects,
      :update_counter,
      :update_element,
      :select,
      :select_count,
      :select_delete,
      :select_replace,
      :select_reverse,
      :match,
      :match_object,
      :match_delete,
      :first,
      :last,
      :next,
      :prev,
      :tab2list,
      :info,
      :whereis,
      :take,
      :foldl,
      :foldr,
      :give_away,
      :setopts,
      :rename,
      :safe_fixtable,
      :slot,
      :fun2ms,
      :test_ms,
      :match_spec_compile,
      :match_spec_run,
      :is_compiled_ms,
      :init_table
    ],
    :timer => [
      :sleep,
      :tc,
      :seconds,
      :minutes,
      :hours,
      :hms,
      :send_after,
      :send_interval,
      :cancel,
      :exit_after,
      :kill_after
    ],
    :io => [:format, :fwrite, :put_chars, :nl, :write],
    :persistent_term => [:get, :put, :erase, :info],
    :sys => [
      :get_state,
      :replace_state,
      :get_status,
      :suspend,
      :resume,
      :statistics,
      :trace,
      :no_debug,
      :log
    ],
    :logger => [:emergency, :alert, :critical, :error, :warning, :notice, :info, :debug, :log],
    :crypto => [:hash, :strong_rand_bytes, :mac],
    :erlang => [
      :monotonic_time,
      :system_time,
      :unique_integer,
      :phash2,
      :phash,
      :make_ref,
      :self,
      :node,
      :timestamp,
      :term_to_binary,
      :binary_to_list,
      :list_to_binary,
      :iolist_to_binary,
      :iolist_size,
      :atom_to_binary,
      :atom_to_list,
      :integer_to_binary,
      :integer_to_list,
      :binary_to_integer,
      :list_to_integer,
      :float_to_binary,
      :float_to_list,
      :binary_to_float,
      :tuple_to_list,
      :list_to_tuple,
      :element,
      :setelement,
      :tuple_size,
      :byte_size,
      :bit_size,
      :length,
      :hd,
      :tl,
      :abs,
      :max,
      :min,
      :round,
      :trunc,
      :float,
      :garbage_collect,
      :yield,
      :bump_reductions,
      :process_info,
      :memory,
      :statistics,
      :send_after,
      :start_timer,
      :cancel_timer,
      :read_timer,
      :make_tuple,
      :append_element,
      :delete_element,
      :insert_element,
      :adler32,
      :crc32,
      :md5,
      :convert_time_unit,
      :time_offset,
      :monitor,
      :demonitor,
      :is_process_alive,
      :error,
      :exit,
      :throw,
      :raise,
      :spawn,
      :spawn_link,
      :spawn_monitor,
      :link,
      :unlink,
      :system_info,
      :band,
      :bor,
      :bxor,
      :bnot,
      :bsl,
      :bsr,
      :div,
      :rem,
      :split_binary,
      :binary_part,
      :is_map_key,
      :map_get,
      :map_size,
      :is_atom,
      :is_binary,
      :is_list,
      :is_map,
      :is_pid,
      :is_tuple,
      :is_integer,
      :is_float,
      :is_number,
      :is_function,
      :is_reference,
      :is_boolean
    ]
  }

  # Functions that create atoms without bound (the atom table is never collected).
  @atom_makers [
    {String, :to_atom},
    {String, :to_existing_atom},
    {List, :to_atom},
    {List, :to_existing_atom},
    {:erlang, :binary_to_atom},
    {:erlang, :list_to_atom},
    {:erlang, :binary_to_existing_atom},
    {:erlang, :list_to_existing_atom},
    {Module, :concat},
    {Module, :safe_concat}
  ]

  # Module names that may not even appear as data (they would end up in an
  # {M, F, A} somewhere: a child spec, a :via name, a delegate).
  # IO.Stream: a struct whose Collectable/Enumerable code writes to any device, unchecked.
  @forbidden_data_modules [
    File,
    System,
    Port,
    Code,
    Node,
    Kernel.ParallelCompiler,
    IEx,
    Mix,
    IO.Stream
  ]
  @forbidden_data_prefixes [
    "Elixir.File.",
    "Elixir.Code.",
    "Elixir.Port.",
    "Elixir.Mix.",
    "Elixir.IEx."
  ]
  # Not :socket and :ssl: they are everyday data (`%{socket: nil}`, `ssl: false`)
  # and neither module defines a function that generic dispatch reaches
  # (Access's fetch/get_and_update/pop, __struct__); a call through them is
  # refused where it happens, like any module off the allowlist: statically
  # when literal, by OtpForge.Guard when the module comes from data.
  @forbidden_data_atoms [
    :erlang,
    :os,
    :prim_file,
    :erl_prim_loader,
    :rpc,
    :erpc,
    :net_kernel,
    :gen_tcp,
    :gen_udp,
    :gen_sctp,
    :httpc,
    :erl_eval,
    :erl_ddll,
    :erts_debug,
    :erts_internal,
    :prim_inet,
    :ram_file,
    :disk_log,
    :dets,
    :erl_boot_server,
    :net_adm,
    :inet_db,
    :prim_socket,
    :parse_transform,
    :file,
    :filelib,
    :code,
    :dbg,
    :ttb,
    :erl_tar,
    :os_mon,
    :application_master
  ]

  # Modules whose every function may be called, hence imported.
  def importable?(mod), do: mod in @whole or mod in @erlang_whole or mod in [Kernel, Bitwise]

  def usable?(mod),
    do:
      mod in [
        GenServer,
        Supervisor,
        DynamicSupervisor,
        Agent,
        Task,
        Bitwise,
        Application,
        Registry,
        PartitionSupervisor,
        Record
      ]

  @doc "Is `mod.fun` on the allowlist (any arity)?"
  def allowed?(mod, fun) do
    cond do
      {mod, fun} in @atom_makers ->
        false

      # Reflection (__protocol__, __impl__, __info__...) hands out module names as data.
      reflection?(fun) and fun != :module_info and
          fun not in [:__struct__, :__should_log__, :__do_log__, :__using__, :__before_compile__] ->
        false

      mod in @whole or mod in @erlang_whole ->
        true

      true ->
        case Map.get(@partial, mod) do
          nil -> false
          :all -> true
          {:except, funs} -> fun not in funs
          funs -> fun in funs
        end
    end
  end

  @doc "__info__, __protocol__, ..., and module_info: functions that hand out names as data."
  def reflection?(:module_info), do: true

  def reflection?(fun) do
    name = Atom.to_string(fun)
    String.starts_with?(name, "__") and String.ends_with?(name, "__")
  end

  def atom_maker?(mod, fun), do: {mod, fun} in @atom_makers

  def forbidden_data_module?(mod) when is_atom(mod) do
    s = Atom.to_string(mod)

    mod in @forbidden_data_modules or
      Enum.any?(@forbidden_data_prefixes, &String.starts_with?(s, &1))
  end

  def forbidden_data_atom?(a), do: a in @forbidden_data_atoms

  @doc "Does a module exist in the runtime (loaded or loadable from the code path)?"
  def exists?(mod) when is_atom(mod),
    do: :code.is_loaded(mod) != false or :code.which(mod) != :non_existing

  @doc "Was `mod` compiled from a job's source (in memory, not from a .beam file)?"
  def job_module?(mod) when is_atom(mod) do
    case :code.is_loaded(mod) do
      {:file, []} -> true
      {:file, :in_memory} -> true
      _ -> false
    end
  end

  def job_module?(_), do: false

  @doc """
  May sandboxed code start or call `mod` from data (an MFA, a child, a callback module)? Its own
  modules, and the sandboxed preloads, which passed the same policy (OtpForge.Preload).
  """
  def own_module?(mod), do: job_module?(mod) or OtpForge.Preload.sandboxed?(mod)

  @doc "How a module reads in a message: File, :os."
  def name(mod) when is_atom(mod) do
    case Atom.to_string(mod) do
      "Elixir." <> rest -> rest
      _ -> inspect(mod)
    end
  end
end
