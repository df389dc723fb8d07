// Which LM and adapter a predictor uses when it is not told: a scoped setting
// (withSettings, via AsyncLocalStorage so concurrent runs can differ), else the
// process-wide one (configure), else the OTPFORGE_LM environment variable.
import { AsyncLocalStorage } from "node:async_hooks";
import { Adapter } from "./adapters/adapter.js";
import { ChatAdapter } from "./adapters/chat-adapter.js";
import { OtpforgeError } from "./errors.js";
import { envLM } from "./lm/factory.js";
import { noModelMessage } from "./lm/models.js";
import type { LM } from "./lm/types.js";

export interface Settings {
  lm?: LM;
  adapter?: Adapter;
}

export class NoLMConfiguredError extends OtpforgeError {
  constructor() {
    super(
      "NO_LM_CONFIGURED",
      `${noModelMessage()}; or pass one in code: ` + "configure({ lm }), withSettings({ lm }, fn), or new Predict(sig, { lm }).",
      { category: "input" },
    );
  }
}

const globalSettings: Settings = {};
const scoped = new AsyncLocalStorage<Settings>();
let defaultAdapter: Adapter | undefined;

/** Sets process-wide defaults. A key given as `undefined` clears that default. */
export function configure(settings: Settings): void {
  for (const key of ["lm", "adapter"] as const) {
    if (Object.hasOwn(settings, key)) (globalSettings as Record<string, unknown>)[key] = settings[key];
  }
}

/** Runs `fn` with these settings layered over the current ones (concurrent scopes do not see each other). */
export function withSettings<T>(settings: Settings, fn: () => T): T {
  const outer = scoped.getStore() ?? {};
  const merged: Settings = { ...outer };
  for (const key of ["lm", "adapter"] as const) if (settings[key] !== undefined) (merged as Record<string, unknown>)[key] = settings[key];
  return scoped.run(merged, fn);
}

/** The effective settings here (scope over global), without environment fallbacks. */
export function currentSettings(): Readonly<Settings> {
  const s = scoped.getStore();
  return { lm: s?.lm ?? globalSettings.lm, adapter: s?.adapter ?? globalSettings.adapter };
}

/**
 * The LM to use: `explicit` (per call or per predictor) > withSettings scope >
 * configure() > OTPFORGE_LM. Throws NoLMConfiguredError when there is none.
 */
export function currentLM(explicit?: LM): LM {
  const lm = explicit ?? scoped.getStore()?.lm ?? globalSettings.lm ?? lmFromEnvironment();
  if (!lm) throw new NoLMConfiguredError();
  return lm;
}

/** The adapter to use: explicit > scope > configure() > a shared ChatAdapter. */
export function currentAdapter(explicit?: Adapter): Adapter {
  return explicit ?? scoped.getStore()?.adapter ?? globalSettings.adapter ?? (defaultAdapter ??= new ChatAdapter());
}

// OTPFORGE_LM (one shared client per distinct value; an invalid value raises
// the LM factory's typed error naming the problem).
function lmFromEnvironment(): LM | undefined {
  return envLM();
}
