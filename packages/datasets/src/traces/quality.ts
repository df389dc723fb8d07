// Dataset quality: canonical world hashes (dedup), structural hashes (splits that
// keep near-duplicates together), family and answer balance, and the statistics.
import { hashValue } from "@otpforge/core";
import { messageTag } from "@otpforge/otp-signatures";
import type { Family } from "./questions/spec.js";
import type { Split, TraceExample } from "./record.js";
import type { Lit, World } from "./world.js";

/** Process names replaced by their position, so renamed copies of a world collide. */
function canonicalNames(world: World): (name: string) => string {
  const index = new Map(world.processes.map((p, i) => [p.name, `P${i}`]));
  return (name) => index.get(name) ?? name;
}

function mapLit(lit: Lit, rename: (n: string) => string): Lit {
  if (typeof lit === "number") return lit;
  if (Array.isArray(lit)) return lit.map((l) => mapLit(l, rename));
  if ("atom" in lit) return /^[A-Z]/.test(lit.atom) ? { atom: rename(lit.atom) } : lit;
  return { tuple: lit.tuple.map((l) => mapLit(l, rename)) };
}

/** The dedup key: everything that determines behaviour, with names abstracted. */
export function worldHash(world: World): string {
  const rename = canonicalNames(world);
  return hashValue({
    version: world.version,
    processes: world.processes.map((p) => ({
      state: p.state,
      initial: p.initial,
      restart: p.restart,
      handlers: p.handlers.map((h) => ("target" in h ? { ...h, target: rename(h.target) } : h)),
    })),
    supervisor: world.supervisor && { ...world.supervisor, children: world.supervisor.children.map(rename) },
    schedule: world.schedule.map((s) => ({ ...s, target: rename(s.target), ...("msg" in s ? { msg: mapLit(s.msg, rename) } : {}) })),
    endAt: world.endAt,
  });
}

/**
 * The shape of a world: handler kinds, topology, supervision and the kinds of
 * steps, without numbers, atoms or times. Worlds that differ only in constants
 * share it, and so land in the same split.
 */
export function structureHash(world: World): string {
  const rename = canonicalNames(world);
  return hashValue({
    processes: world.processes.map((p) => ({
      state: p.state,
      restart: world.supervisor?.children.includes(p.name) ? p.restart : "none",
      handlers: p.handlers.map((h) => h.kind + ("target" in h ? `->${rename(h.target)}` : "")).sort(),
    })),
    supervisor: world.supervisor && { strategy: world.supervisor.strategy, children: world.supervisor.children.map(rename) },
    schedule: world.schedule.map((s) => `${s.op}:${rename(s.target)}:${"msg" in s ? (messageTag(s.msg) ?? "?") : ""}`),
  });
}

/** 70% train, 10% dev, 20% test, by structural hash (worlds of one structure share a split). */
export function splitOf(structure: string): Split {
  const bucket = parseInt(structure.slice(0, 8), 16) % 100;
  return bucket < 70 ? "train" : bucket < 80 ? "dev" : "test";
}

export const MAX_ANSWER_SHARE = 0.4;

/**
 * Per-family quotas (n split evenly) and a cap per answer value (40% of the
 * quota), so that a full family never has one answer above 40%.
 */
export class BalanceTracker {
  readonly quotas: Map<Family, number>;
  private readonly counts = new Map<Family, number>();
  private readonly values = new Map<string, number>();

  constructor(n: number, families: readonly Family[]) {
    this.quotas = new Map(families.map((f, i) => [f, Math.floor(n / families.length) + (i < n % families.length ? 1 : 0)]));
  }

  cap(family: Family): number {
    return Math.max(1, Math.floor(MAX_ANSWER_SHARE * (this.quotas.get(family) ?? 0)));
  }

  count(family: Family): number {
    return this.counts.get(family) ?? 0;
  }

  /** How far the family is from its quota (0..1): families furthest behind are served first. */
  need(family: Family): number {
    const q = this.quotas.get(family) ?? 0;
    return q === 0 ? 0 : 1 - this.count(family) / q;
  }

  canAccept(family: Family, answer: string): boolean {
    const q = this.quotas.get(family) ?? 0;
    return this.count(family) < q && (this.values.get(`${family}\u0000${answer}`) ?? 0) < this.cap(family);
  }

  add(family: Family, answer: string): void {
    this.counts.set(family, this.count(family) + 1);
    const key = `${family}\u0000${answer}`;
    this.values.set(key, (this.values.get(key) ?? 0) + 1);
  }

  full(): boolean {
    return [...this.quotas].every(([f, q]) => this.count(f) >= q);
  }
}

export interface FamilyStats {
  count: number;
  quota: number;
  distinctAnswers: number;
  /**
   * The most frequent answer and its share of the family: the majority baseline's exact accuracy.
   * (The concurrent families' other baseline, one uncontrolled run, is not measured for these:
   * each sequential world was proved to give one observation on every schedule.)
   */
  topAnswer: string | null;
  topShare: number;
}

export interface TraceDatasetStats {
  examples: number;
  target: number;
  families: Record<string, FamilyStats>;
  splits: Record<Split, number>;
  difficulties: Record<string, number>;
  deterministic: number;
  nondeterministic: number;
  worlds: {
    /** Worlds considered in this session (in order; worlds run ahead in parallel and not needed are not counted). */
    run: number;
    contributing: number;
    duplicates: number;
    /** Worlds whose runs disagreed or that are order-sensitive (dropped unless outcome-set questions were asked). */
    disagreeing: number;
    failed: number;
    /** Worlds dropped because a run was delayed too much by a busy machine (timing not trusted; observation "runs" only). */
    busy: number;
    /** Worlds dropped because their exploration hit its bounds (observation "explore"). */
    incomplete: number;
  };
  balance: { maxAnswerShare: number; ok: boolean; violations: string[] };
}

export interface WorldCounters {
  run: number;
  duplicates: number;
  disagreeing: number;
  failed: number;
  busy: number;
  /** Dropped: the exploration of its interleavings hit a bound. */
  incomplete: number;
}

export function datasetStats(
  examples: readonly TraceExample[],
  target: number,
  families: readonly Family[],
  worlds: WorldCounters,
): TraceDatasetStats {
  const tracker = new BalanceTracker(target, families);
  const fam: Record<string, FamilyStats> = {};
  const violations: string[] = [];
  for (const f of families) {
    const of = examples.filter((e) => e.family === f);
    const byAnswer = new Map<string, number>();
    for (const e of of) byAnswer.set(e.answer, (byAnswer.get(e.answer) ?? 0) + 1);
    const top = [...byAnswer].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    const share = top && of.length ? top[1] / of.length : 0;
    fam[f] = {
      count: of.length,
      quota: tracker.quotas.get(f) ?? 0,
      distinctAnswers: byAnswer.size,
      topAnswer: top ? top[0] : null,
      topShare: round(share),
    };
    if (share > MAX_ANSWER_SHARE)
      violations.push(`${f}: answer ${top?.[0]} is ${Math.round(share * 100)}% of the family (max ${MAX_ANSWER_SHARE * 100}%)`);
    if (of.length < (tracker.quotas.get(f) ?? 0)) violations.push(`${f}: ${of.length} of ${tracker.quotas.get(f)} examples`);
    if (share > MAX_ANSWER_SHARE && (tracker.quotas.get(f) ?? 0) < 3)
      violations.push(`${f}: with fewer than 3 examples a family cannot keep every answer under 40%: ask for n >= ${3 * families.length}`);
  }
  const splits: Record<Split, number> = { train: 0, dev: 0, test: 0 };
  const difficulties: Record<string, number> = {};
  for (const e of examples) {
    splits[e.split]++;
    difficulties[e.difficulty] = (difficulties[e.difficulty] ?? 0) + 1;
  }
  const contributing = new Set(examples.map((e) => e.provenance.worldHash)).size;
  const deterministic = examples.filter((e) => e.deterministic).length;
  return {
    examples: examples.length,
    target,
    families: fam,
    splits,
    difficulties,
    deterministic,
    nondeterministic: examples.length - deterministic,
    worlds: {
      run: worlds.run,
      contributing,
      duplicates: worlds.duplicates,
      disagreeing: worlds.disagreeing,
      failed: worlds.failed,
      busy: worlds.busy,
      incomplete: worlds.incomplete,
    },
    balance: { maxAnswerShare: MAX_ANSWER_SHARE, ok: violations.length === 0, violations },
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
