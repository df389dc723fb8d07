// The last N LM calls, kept per LM and for the whole process, with a
// readable print of the last k (what was asked, what came back, what it
// cost, whether the cache answered).
import type { ChatMessage, Completion, LMRequest, Usage } from "./types.js";

export interface HistoryEntry {
  /** ISO time the call finished. */
  timestamp: string;
  lm: string;
  messages: ChatMessage[];
  params: Pick<LMRequest, "temperature" | "maxTokens" | "n" | "rolloutId" | "responseFormat">;
  completions: Completion[];
  /** Zero for cache hits. */
  usage: Usage;
  costUSD?: number;
  latencyMs: number;
  cacheHit: boolean;
}

export class History {
  private entries: HistoryEntry[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`history size must be an integer >= 0, got ${limit}`);
  }

  push(entry: HistoryEntry): void {
    if (this.limit === 0) return;
    this.entries.push(entry);
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit);
  }

  /** The last k entries, oldest first (all of them when k is omitted). */
  last(k?: number): HistoryEntry[] {
    return k === undefined ? this.entries.slice() : this.entries.slice(Math.max(0, this.entries.length - k));
  }

  get size(): number {
    return this.entries.length;
  }

  clear(): void {
    this.entries = [];
  }
}

/** Every call of every LM in this process (the last 200). */
export const processHistory = new History(200);

/** A readable print of the last k calls of the whole process. */
export function inspectHistory(k = 1): string {
  return formatHistory(processHistory.last(k));
}

export function formatHistory(entries: readonly HistoryEntry[]): string {
  if (entries.length === 0) return "(no LM calls yet)";
  return entries.map(formatEntry).join("\n\n");
}

function formatEntry(e: HistoryEntry): string {
  const rule = "─".repeat(72);
  const params = Object.entries(e.params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${k === "responseFormat" ? (v as { type: string }).type : JSON.stringify(v)}`)
    .join(" ");
  const cost = e.cacheHit ? "cache hit, no cost" : e.costUSD !== undefined ? `$${e.costUSD.toFixed(6)}` : "cost unknown";
  const lines = [
    rule,
    `[${e.timestamp}] ${e.lm}  ${Math.round(e.latencyMs)} ms  ${e.cacheHit ? "CACHE HIT" : "live"}${params ? `  ${params}` : ""}`,
    `tokens: prompt ${e.usage.promptTokens} (cached ${e.usage.cachedTokens}), completion ${e.usage.completionTokens}; ${cost}`,
    rule,
  ];
  for (const m of e.messages) lines.push(`${m.role.toUpperCase()}:`, indent(m.content), "");
  e.completions.forEach((c, i) => {
    const label = e.completions.length > 1 ? `RESPONSE ${i + 1}` : "RESPONSE";
    lines.push(`${label}${c.finishReason && c.finishReason !== "stop" ? ` (finish: ${c.finishReason})` : ""}:`, indent(c.text));
  });
  return lines.join("\n");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
}
