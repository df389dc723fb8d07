// What a reviewer reads off the source without running it: each module's
// public functions (name/arity, every arity a default argument makes), and
// constructs behaviour cannot see (a sleep in a client function, a
// :persistent_term write outside init, a clause that swallows every :EXIT).
// The source is parsed on the BEAM (Code.string_to_quoted!), never compiled
// or run, so this is a trusted job whatever the source says.
import type { JobRunner } from "@otpforge/beam";

/** A construct a reviewer flags, found in one function. */
export interface ReviewFinding {
  kind: "sleep_in_client" | "persistent_term_write" | "swallows_every_exit";
  module: string;
  function: string;
  line: number;
  message: string;
}

export interface CodeSurvey {
  /** Module name -> its public functions as "name/arity", callbacks left out. */
  modules: Record<string, string[]>;
  findings: ReviewFinding[];
}

// OTP callbacks and generated functions: a fix may drop or add them freely
// (turning a cast into a call drops handle_cast/2).
const CALLBACKS = [
  "init",
  "handle_call",
  "handle_cast",
  "handle_info",
  "handle_continue",
  "terminate",
  "code_change",
  "format_status",
  "child_spec",
];

const LIST = `[${CALLBACKS.map((c) => `:${c}`).join(", ")}]`;

const SURVEY = (encoded: string) => `
head_of = fn
  {:when, _, [head | _]} -> head
  head -> head
end

arities = fn args ->
  args = args || []
  defaults = Enum.count(args, &match?({:\\\\, _, _}, &1))
  (length(args) - defaults)..length(args)
end

remote = fn
  {{:., _, [{:__aliases__, _, parts}, fun]}, meta, _} when is_atom(fun) -> {Enum.join(parts, "."), fun, meta[:line] || 0}
  {{:., _, [mod, fun]}, meta, _} when is_atom(mod) and is_atom(fun) -> {":" <> Atom.to_string(mod), fun, meta[:line] || 0}
  _ -> nil
end

var? = fn
  {name, _, ctx} when is_atom(name) and is_atom(ctx) -> true
  _ -> false
end

every_exit? = fn
  {:{}, _, [:EXIT, a, b]} -> var?.(a) and var?.(b)
  _ -> false
end

scan = fn body, module, fun, public?, line0 ->
  {_, found} =
    Macro.prewalk(body, [], fn node, acc ->
      acc =
        case remote.(node) do
          {m, :sleep, line} when m in ["Process", ":timer"] and public? and fun not in ${LIST} ->
            [%{kind: "sleep_in_client", module: module, function: Atom.to_string(fun), line: line,
               message: "#{m}.sleep in the client function #{fun}: callers are slowed down instead of the mechanism being fixed"} | acc]

          {":persistent_term", :put, line} when fun != :init ->
            [%{kind: "persistent_term_write", module: module, function: Atom.to_string(fun), line: line,
               message: ":persistent_term.put in #{fun}: every write copies the term and triggers a global GC; it is for data written once"} | acc]

          _ ->
            acc
        end

      acc =
        case node do
          {:->, meta, [[pattern], _]} ->
            if every_exit?.(pattern),
              do: [%{kind: "swallows_every_exit", module: module, function: Atom.to_string(fun), line: meta[:line] || line0,
                     message: "a receive clause in #{fun} takes every {:EXIT, _, _}: exits of linked processes are hidden, not handled"} | acc],
              else: acc

          _ ->
            acc
        end

      {node, acc}
    end)

  found
end

walk = fn walk, node, module, acc ->
  case node do
    {:defmodule, _, [name_ast, [do: body]]} ->
      name = Macro.to_string(name_ast)
      full = if module, do: module <> "." <> name, else: name
      acc = %{acc | modules: Map.put_new(acc.modules, full, [])}
      walk.(walk, body, full, acc)

    {:__block__, _, items} ->
      Enum.reduce(items, acc, &walk.(walk, &1, module, &2))

    {kind, meta, [head | rest]} when kind in [:def, :defp, :defdelegate] and is_binary(module) ->
      case head_of.(head) do
        {fun, _, args} when is_atom(fun) and (is_list(args) or is_nil(args)) ->
          public? = kind in [:def, :defdelegate]
          acc =
            if public? and fun not in ${LIST} do
              sigs = for n <- arities.(args), do: "#{fun}/#{n}"
              %{acc | modules: Map.update(acc.modules, module, sigs, &Enum.uniq(&1 ++ sigs))}
            else
              acc
            end

          found = scan.(rest, module, fun, public?, meta[:line] || 0)

          found =
            if fun == :handle_info and match?([_ | _], args) and every_exit?.(hd(args)),
              do: [%{kind: "swallows_every_exit", module: module, function: "handle_info", line: meta[:line] || 0,
                     message: "handle_info takes every {:EXIT, _, _}: exits of linked processes are hidden, not handled"} | found],
              else: found

          %{acc | findings: acc.findings ++ Enum.reverse(found)}

        _ ->
          acc
      end

    _ ->
      acc
  end
end

ast = "${encoded}" |> Base.decode64!() |> Code.string_to_quoted!()
result = walk.(walk, ast, nil, %{modules: %{}, findings: []})
%{result | modules: Map.new(result.modules, fn {k, v} -> {k, Enum.sort(v)} end)}
`;

/** Surveys one source; undefined when it does not parse (compilation reports that). */
export async function surveyCode(pool: JobRunner, source: string, timeoutMs = 8_000): Promise<CodeSurvey | undefined> {
  const job = await pool.run({ script: SURVEY(Buffer.from(source, "utf8").toString("base64")), trusted: true, limits: { timeoutMs } });
  if (job.status !== "ok" || !("valueJson" in job)) return undefined;
  const value = job.valueJson as CodeSurvey;
  return { modules: value.modules ?? {}, findings: value.findings ?? [] };
}

/** Public functions of the original that the fix no longer has (removed, or changed in arity). */
export function missingFunctions(original: CodeSurvey, fix: CodeSurvey): string[] {
  const missing: string[] = [];
  for (const [module, funs] of Object.entries(original.modules)) {
    const kept = new Set(fix.modules[module] ?? []);
    for (const f of funs) if (!kept.has(f)) missing.push(`${module}.${f}`);
  }
  return missing;
}

/** Findings of the fix that the original does not already have (per kind, module and function). */
export function newFindings(original: CodeSurvey, fix: CodeSurvey): ReviewFinding[] {
  const key = (f: ReviewFinding) => `${f.kind} ${f.module} ${f.function}`;
  const budget = new Map<string, number>();
  for (const f of original.findings) budget.set(key(f), (budget.get(key(f)) ?? 0) + 1);
  return fix.findings.filter((f) => {
    const left = budget.get(key(f)) ?? 0;
    if (left > 0) {
      budget.set(key(f), left - 1);
      return false;
    }
    return true;
  });
}
