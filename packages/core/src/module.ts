// Module: the base of every program. `forward` is user code; the base finds
// the predictors inside (fields, arrays, maps, plain objects, nested modules)
// under stable dotted names, and clones and saves/loads their state.
import type { Predict } from "./predict/predict.js";
import { parseProgramState, StateMismatchError, type HashMismatch, type PredictorState, type ProgramState } from "./state.js";

/** Marks predictors (Predict and subclasses) without an import cycle. */
export const PREDICTOR = Symbol.for("otpforge.predictor");

type AnyPredict = Predict<any, any>;

function isPredictor(value: unknown): value is AnyPredict {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[PREDICTOR] === true;
}

/**
 * Marks modules. A program made with one copy of @otpforge/core (a task module
 * that resolves its own) is still a Module to another copy: checks read this
 * brand, and `instanceof Module` does too.
 */
export const MODULE = Symbol.for("otpforge.module");

/** Whether a value is a Module (or a Module class's prototype), from whichever copy of @otpforge/core made it. */
export function isModule(value: unknown): value is Module {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[MODULE] === true;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export abstract class Module {
  static {
    Object.defineProperty(this.prototype, MODULE, { value: true });
  }

  /** `x instanceof Module` reads the brand (any copy); subclasses keep the ordinary prototype check. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return this === Module ? isModule(value) : Function.prototype[Symbol.hasInstance].call(this, value);
  }

  /** The program itself. Subclasses declare their own parameters and return type. */
  abstract forward(...args: any[]): Promise<unknown>;

  /** Same as forward. */
  call(...args: Parameters<this["forward"]>): ReturnType<this["forward"]> {
    return this.forward(...args) as ReturnType<this["forward"]>;
  }

  /**
   * Every predictor inside, depth first in property order, named by its path:
   * `step`, `inner.step`, `list.0`, `byKey.name`. A predictor reachable twice
   * is listed once, under the first name. Properties holding predictors must be
   * ordinary fields (not #private) so that they can be found and cloned.
   */
  namedPredictors(): Array<[string, AnyPredict]> {
    const out: Array<[string, AnyPredict]> = [];
    const seen = new Set<unknown>([this]);
    const visit = (value: unknown, name: string): void => {
      if (typeof value !== "object" || value === null || seen.has(value)) return;
      seen.add(value);
      if (isPredictor(value)) {
        out.push([name, value]);
      } else if (Array.isArray(value)) {
        value.forEach((v, i) => visit(v, `${name}.${i}`));
      } else if (value instanceof Map) {
        for (const [k, v] of value) visit(v, `${name}.${String(k)}`);
      } else if (isModule(value) || isPlainObject(value)) {
        for (const key of Object.keys(value)) visit((value as Record<string, unknown>)[key], `${name}.${key}`);
      }
    };
    for (const key of Object.keys(this)) visit((this as Record<string, unknown>)[key], `.${key}`);
    return out.map(([n, p]) => [n.slice(1), p]);
  }

  predictors(): AnyPredict[] {
    return this.namedPredictors().map(([, p]) => p);
  }

  /**
   * A deep copy: modules, predictors, arrays, maps, sets and plain objects are
   * copied (shared references stay shared within the copy); signatures, LMs,
   * adapters and other class instances are shared with the original.
   */
  clone(): this {
    return cloneValue(this, new Map()) as this;
  }

  /** A clone whose predictors have no demos and their signatures' instructions. */
  resetCopy(): this {
    const copy = this.clone();
    for (const p of copy.predictors()) p.reset();
    return copy;
  }

  dumpState(): ProgramState {
    const predictors: Record<string, PredictorState> = {};
    for (const [name, p] of this.namedPredictors()) predictors[name] = p.getState();
    return { version: 1, predictors };
  }

  /**
   * Applies a state from dumpState(). Checks everything before changing
   * anything: unknown or missing predictor names and changed signatures raise
   * StateMismatchError naming them.
   */
  loadState(state: unknown): this {
    const parsed = parseProgramState(state);
    const named = this.namedPredictors();
    const names = new Set(named.map(([n]) => n));
    const missing = named.map(([n]) => n).filter((n) => !Object.hasOwn(parsed.predictors, n));
    const unexpected = Object.keys(parsed.predictors).filter((n) => !names.has(n));
    const hashMismatches: HashMismatch[] = [];
    for (const [name, p] of named) {
      const s = parsed.predictors[name];
      if (s && s.signatureHash !== p.signature.hash()) hashMismatches.push({ name, program: p.signature.hash(), state: s.signatureHash });
    }
    if (missing.length || unexpected.length || hashMismatches.length) throw new StateMismatchError({ missing, unexpected, hashMismatches });
    for (const [name, p] of named) p.setState(parsed.predictors[name]!);
    return this;
  }
}

function cloneValue(value: unknown, memo: Map<unknown, unknown>): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (memo.has(value)) return memo.get(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    memo.set(value, out);
    for (const v of value) out.push(cloneValue(v, memo));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map();
    memo.set(value, out);
    for (const [k, v] of value) out.set(k, cloneValue(v, memo));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set();
    memo.set(value, out);
    for (const v of value) out.add(cloneValue(v, memo));
    return out;
  }
  if (value instanceof Date) return new Date(value.getTime());
  if (isModule(value) || isPlainObject(value)) {
    const out = Object.create(Object.getPrototypeOf(value));
    memo.set(value, out);
    for (const key of Reflect.ownKeys(value)) {
      const d = Object.getOwnPropertyDescriptor(value, key)!;
      if ("value" in d) d.value = cloneValue(d.value, memo);
      Object.defineProperty(out, key, d);
    }
    return out;
  }
  return value;
}
