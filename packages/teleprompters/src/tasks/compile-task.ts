import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isModule, type Example, type Metric, type Module } from "@otpforge/core";

/**
 * Everything `otpforge compile` needs to tune a program: how to make a fresh
 * one, how to score it, how to read its data. A task module (a .ts or .js
 * file) exports these — as named exports or as its default export:
 *
 *   export const name = "spell";                       // optional
 *   export const program = () => new SpellProgram();   // a factory, a Module class, or an instance
 *   export const metric = (example, prediction) => prediction.outputs.answer === example.data.answer;
 *   export const loadExamples = (file) => loadJsonlExamples(file, ["question"]);
 */
export interface CompileTask<P extends Module = Module> {
  name: string;
  description?: string;
  /** A fresh, untuned program each call. */
  program(): P;
  metric: Metric;
  /**
   * A bootstrapped run becomes a demo only when the metric is at least this.
   * Unset: any score above 0 (DSPy's default), which lets a partial-credit
   * metric keep partly wrong demos; such tasks set 1.
   */
  metricThreshold?: number;
  /** The category an example counts under in the compile report (default: its `category` or `family`); e.g. the anti-pattern. */
  reportCategory?(data: Record<string, unknown>): string | undefined;
  /** Reads a dataset file into examples whose input keys are set (with `split` in the data when the file has splits). */
  loadExamples(file: string): Promise<Example[]> | Example[];
}

/** A task module that cannot be used, with what is missing and the expected shape. */
export class TaskModuleError extends Error {
  // The code and category the CLI maps (see OtpforgeError in @otpforge/core).
  readonly code = "TASK_MODULE";
  readonly category = "input" as const;
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(
      `${path}: ${detail}. A task module exports { program, metric, loadExamples } (named or as default): ` +
        `program is a Module (or a class or function making one), metric is (example, prediction, trace?) => number | boolean, ` +
        `loadExamples is (file) => Example[] (loadJsonlExamples(file, inputKeys) reads JSONL).`,
    );
    this.name = "TaskModuleError";
  }
}

/** Imports a task module from a file path (relative to `cwd`) and checks its shape. */
export async function loadTaskModule(path: string, cwd = process.cwd()): Promise<CompileTask> {
  const file = resolve(cwd, path);
  let mod: Record<string, unknown>;
  try {
    mod = await importTaskFile(file);
  } catch (err) {
    throw new TaskModuleError(path, `cannot be imported (${(err as Error).message})`);
  }
  const exported = (mod.default && typeof mod.default === "object" ? mod.default : mod) as Record<string, unknown>;
  return toCompileTask(exported, path, file);
}

let tsxRegistered = false;

/**
 * Imports a task file. Plain node (the installed CLI runs its built JavaScript)
 * cannot import TypeScript: a .ts file is then loaded through tsx, an optional
 * peer dependency, registered on first need.
 */
async function importTaskFile(file: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(file).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ERR_UNKNOWN_FILE_EXTENSION" || !/\.[cm]?ts$/.test(file) || tsxRegistered) throw err;
  }
  let api: { register(): unknown };
  try {
    api = (await import("tsx/esm/api" as string)) as { register(): unknown };
  } catch {
    throw new Error("a TypeScript task module needs tsx to load (npm install tsx), or compile it to .js first");
  }
  api.register();
  tsxRegistered = true;
  return (await import(url)) as Record<string, unknown>;
}

/** Validates an object as a CompileTask (program may be an instance, a class or a factory). */
export function toCompileTask(value: Record<string, unknown>, source: string, fallbackName = source): CompileTask {
  const { program, metric, loadExamples, metricThreshold } = value;
  if (metricThreshold !== undefined && typeof metricThreshold !== "number")
    throw new TaskModuleError(source, "exports a `metricThreshold` that is not a number");
  if (program === undefined) throw new TaskModuleError(source, "exports no `program`");
  if (typeof metric !== "function") throw new TaskModuleError(source, "exports no `metric` function");
  if (typeof loadExamples !== "function") throw new TaskModuleError(source, "exports no `loadExamples` function");
  const make = programFactory(program, source);
  return {
    name: typeof value.name === "string" && value.name ? value.name : baseName(fallbackName),
    ...(typeof value.description === "string" ? { description: value.description } : {}),
    program: make,
    metric: metric as Metric,
    ...(typeof metricThreshold === "number" ? { metricThreshold } : {}),
    loadExamples: loadExamples as CompileTask["loadExamples"],
  };
}

function programFactory(program: unknown, source: string): () => Module {
  // Brand checks, not instanceof: a task module may resolve its own copy of @otpforge/core.
  if (isModule(program)) return () => program.clone();
  if (typeof program === "function") {
    const isClass = isModule((program as { prototype?: unknown }).prototype);
    return () => {
      const made = isClass ? new (program as new () => Module)() : (program as () => unknown)();
      if (!isModule(made)) throw new TaskModuleError(source, "`program` did not produce a Module");
      return made;
    };
  }
  throw new TaskModuleError(source, "`program` is neither a Module nor a class or function that makes one");
}

function baseName(path: string): string {
  const file = path.split(/[\\/]/).pop() ?? path;
  return file.replace(/\.(m|c)?(t|j)s$/, "").replace(/[^A-Za-z0-9._-]/g, "-") || "program";
}
