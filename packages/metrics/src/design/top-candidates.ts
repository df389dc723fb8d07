// Fallback search for the top of a skeleton's tree, used when the module the
// problem names is missing: a model may call its supervisor `App.Sup` or
// only write an Application. Reads the source text (no code runs here); the
// probe then checks each candidate really is a loaded Supervisor.

export interface TopCandidate {
  kind: "supervisor" | "application";
  module: string;
}

const DEFMODULE = /^[ \t]*defmodule\s+([A-Z][A-Za-z0-9_]*(?:\.[A-Z][A-Za-z0-9_]*)*)\s+do\b/gm;

/**
 * Modules that `use Supervisor` (those no other module mentions first: the
 * top is the one nobody starts), then modules that `use Application`.
 */
export function findTopCandidates(source: string): TopCandidate[] {
  const modules: Array<{ name: string; body: string }> = [];
  const starts = [...source.matchAll(DEFMODULE)];
  starts.forEach((m, i) => {
    const end = i + 1 < starts.length ? starts[i + 1]!.index! : source.length;
    modules.push({ name: m[1]!, body: source.slice(m.index!, end) });
  });

  const isApplication = (m: { body: string }) => /\buse\s+Application\b/.test(m.body);
  // An Application names the top supervisor among its children; that mention must not demote it.
  const mentionedElsewhere = (name: string) =>
    modules.some(
      (other) => other.name !== name && !isApplication(other) && new RegExp(`(?<![\\w.])${escapeRegExp(name)}(?![\\w.])`).test(other.body),
    );

  const supervisors = modules.filter((m) => /\buse\s+Supervisor\b/.test(m.body)).map((m) => m.name);
  const ranked = [...supervisors.filter((n) => !mentionedElsewhere(n)), ...supervisors.filter((n) => mentionedElsewhere(n))];
  const applications = modules.filter(isApplication).map((m) => m.name);

  return [
    ...ranked.map((module) => ({ kind: "supervisor" as const, module })),
    ...applications.map((module) => ({ kind: "application" as const, module })),
  ];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
