// LM response cache: an SQLite file on disk (better-sqlite3) with an
// in-memory LRU in front. Keys are content hashes of what determines an
// answer — provider, model, base URL, messages and sampling parameters,
// including rolloutId — built from an explicit list of fields, so API keys
// and headers can never reach the key or the stored value.
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { hashValue } from "../hash.js";
import { LMConfigError } from "./errors.js";
import { LRU } from "./lru.js";
import type { Completion, LMRequest, Usage } from "./types.js";

export const CACHE_FILE = "lm-cache.sqlite";

export interface CachedResponse {
  completions: Completion[];
  /** What the original call used (a hit reports zero usage; this is kept for inspection). */
  usage: Usage;
  model: string;
}

export interface CacheKeyParts {
  provider: string;
  model: string;
  baseURL?: string;
  request: LMRequest;
}

/** The cache key of a request. Only these fields count; nothing else is read from the request. */
export function lmCacheKey({ provider, model, baseURL, request }: CacheKeyParts): string {
  return hashValue({
    v: 1,
    provider,
    model,
    baseURL: baseURL ? publicURL(baseURL) : null,
    messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
    temperature: request.temperature,
    maxTokens: request.maxTokens,
    n: request.n ?? 1,
    rolloutId: request.rolloutId,
    responseFormat: request.responseFormat,
    // Only when set, so keys of requests without them stay what they were.
    ...(request.reasoningEffort !== undefined ? { reasoningEffort: request.reasoningEffort } : {}),
    ...(request.thinkingBudgetTokens !== undefined ? { thinkingBudgetTokens: request.thinkingBudgetTokens } : {}),
    ...(request.providerOptions && Object.keys(request.providerOptions).length ? { providerOptions: request.providerOptions } : {}),
  });
}

/** A base URL without user info or secret-looking query parameters (Azure-style ?api-key=). */
export function publicURL(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    for (const name of [...u.searchParams.keys()]) if (/key|token|secret|sig|auth/i.test(name)) u.searchParams.delete(name);
    return u.toString().replace(/\/+$/, "");
  } catch {
    return url.replace(/\/+$/, "");
  }
}

/** OTPFORGE_CACHE_DIR, else .otpforge/cache under the working directory. */
export function defaultCacheDir(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): string {
  const dir = env.OTPFORGE_CACHE_DIR?.trim();
  return resolve(cwd, dir ? dir : join(".otpforge", "cache"));
}

const openCaches = new Map<string, LMCache>();
const requireCJS = createRequire(import.meta.url);

export class LMCache {
  /** The SQLite file. */
  readonly file: string;
  private readonly memory: LRU<string, CachedResponse>;
  private db?: BetterSqlite3.Database;
  private getStmt?: BetterSqlite3.Statement<[string], { response: string }>;
  private putStmt?: BetterSqlite3.Statement<[string, string, string, number]>;

  private constructor(
    readonly dir: string,
    memoryEntries: number,
  ) {
    this.file = join(dir, CACHE_FILE);
    this.memory = new LRU(memoryEntries);
  }

  /** The cache of a directory; one shared instance per directory in a process. */
  static forDir(dir: string = defaultCacheDir(), memoryEntries = 2000): LMCache {
    const abs = resolve(dir);
    let c = openCaches.get(abs);
    if (!c) openCaches.set(abs, (c = new LMCache(abs, memoryEntries)));
    return c;
  }

  get(key: string): CachedResponse | undefined {
    const mem = this.memory.get(key);
    if (mem) return mem;
    const row = this.open().getStmt?.get(key);
    if (!row) return undefined;
    try {
      const value = JSON.parse(row.response) as CachedResponse;
      this.memory.set(key, value);
      return value;
    } catch {
      return undefined; // a damaged row is a miss; the next answer overwrites it
    }
  }

  set(key: string, lmId: string, value: CachedResponse): void {
    this.memory.set(key, value);
    this.open().putStmt?.run(key, lmId, JSON.stringify(value), Date.now());
  }

  /** Number of stored responses on disk. */
  size(): number {
    const db = this.open().db as BetterSqlite3.Database;
    return (db.prepare("SELECT count(*) AS n FROM lm_responses").get() as { n: number }).n;
  }

  clear(): void {
    this.memory.clear();
    (this.open().db as BetterSqlite3.Database).exec("DELETE FROM lm_responses");
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
    this.memory.clear();
    openCaches.delete(this.dir);
  }

  private open(): this {
    if (this.db) return this;
    let Database: typeof BetterSqlite3;
    try {
      Database = requireCJS("better-sqlite3") as typeof BetterSqlite3;
    } catch (err) {
      throw cacheOpenError(this.file, err);
    }
    try {
      mkdirSync(this.dir, { recursive: true });
      const db = new Database(this.file);
      db.pragma("journal_mode = WAL"); // several processes (test workers, parallel runs) may share one cache
      db.pragma("busy_timeout = 5000");
      db.exec(
        "CREATE TABLE IF NOT EXISTS lm_responses (key TEXT PRIMARY KEY, lm TEXT NOT NULL, response TEXT NOT NULL, created_at INTEGER NOT NULL)",
      );
      this.getStmt = db.prepare("SELECT response FROM lm_responses WHERE key = ?");
      this.putStmt = db.prepare("INSERT OR REPLACE INTO lm_responses (key, lm, response, created_at) VALUES (?, ?, ?, ?)");
      this.db = db;
    } catch (err) {
      throw cacheOpenError(this.file, err);
    }
    return this;
  }
}

// better-sqlite3 loads its compiled binding on the first `new Database()`, not on require: a
// package manager that skipped its install script (pnpm 10 does unless the build is approved,
// npm with --ignore-scripts) shows up here, and the cure is a build, not another directory.
const MISSING_BINDING = /bindings file|better_sqlite3\.node|NODE_MODULE_VERSION|ERR_DLOPEN_FAILED|Cannot find module 'better-sqlite3'/;

/** The error for a cache that cannot open, with the fix that matches the cause. */
export function cacheOpenError(file: string, err: unknown): LMConfigError {
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (MISSING_BINDING.test(message) || code === "ERR_DLOPEN_FAILED") {
    return new LMConfigError(
      `The LM cache needs better-sqlite3's native module, which is not built for this Node.js (${message.split("\n")[0]}). ` +
        "Build it: `npm rebuild better-sqlite3` (pnpm: `pnpm approve-builds`, then `pnpm rebuild better-sqlite3`); " +
        "without a prebuilt binary this compiles with node-gyp, which needs python3, make and a C++ compiler. " +
        "Or turn the cache off with { cache: false }.",
      "LM_CACHE_UNAVAILABLE",
    );
  }
  return new LMConfigError(
    `Cannot open the LM cache at ${file}: ${message}. Set OTPFORGE_CACHE_DIR to a writable directory, or turn the cache off with { cache: false }.`,
    "LM_CACHE_UNAVAILABLE",
  );
}
