// A small sequence diff (longest common subsequence) for the report: gold
// against predicted, by list element or by line of code. Written here rather
// than taken from a package so the report keeps no dependencies.

/** One element of a diff: in both sequences, only in gold, or only in the prediction. */
export interface DiffOp {
  op: "both" | "gold" | "predicted";
  text: string;
}

export interface ReportDiff {
  /** "elements": list items (shown open); "lines": lines of code (shown collapsed, unchanged runs folded). */
  kind: "elements" | "lines";
  ops: DiffOp[];
}

/** LCS table cells past which the middle is shown as all-gold then all-predicted, to bound time and memory. */
const MAX_CELLS = 4_000_000;

/** Gold against predicted: common elements kept in order, the rest marked with the side they come from. */
export function diffSequences(gold: readonly string[], predicted: readonly string[]): DiffOp[] {
  // Equal ends are common to any alignment: trimming them keeps the table small for code with a local change.
  let start = 0;
  while (start < gold.length && start < predicted.length && gold[start] === predicted[start]) start++;
  let endG = gold.length;
  let endP = predicted.length;
  while (endG > start && endP > start && gold[endG - 1] === predicted[endP - 1]) {
    endG--;
    endP--;
  }
  const head = gold.slice(0, start).map((text): DiffOp => ({ op: "both", text }));
  const tail = gold.slice(endG).map((text): DiffOp => ({ op: "both", text }));
  const g = gold.slice(start, endG);
  const p = predicted.slice(start, endP);
  return [...head, ...middle(g, p), ...tail];
}

function middle(g: readonly string[], p: readonly string[]): DiffOp[] {
  if ((g.length + 1) * (p.length + 1) > MAX_CELLS) {
    return [...g.map((text): DiffOp => ({ op: "gold", text })), ...p.map((text): DiffOp => ({ op: "predicted", text }))];
  }
  // lcs[i][j]: LCS length of g[i..] and p[j..], so the walk below goes forwards.
  const w = p.length + 1;
  const lcs = new Uint32Array((g.length + 1) * w);
  for (let i = g.length - 1; i >= 0; i--) {
    for (let j = p.length - 1; j >= 0; j--) {
      lcs[i * w + j] = g[i] === p[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const out: DiffOp[] = [];
  let i = 0;
  let j = 0;
  while (i < g.length && j < p.length) {
    if (g[i] === p[j]) {
      out.push({ op: "both", text: g[i]! });
      i++;
      j++;
    } else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) {
      out.push({ op: "gold", text: g[i++]! });
    } else {
      out.push({ op: "predicted", text: p[j++]! });
    }
  }
  while (i < g.length) out.push({ op: "gold", text: g[i++]! });
  while (j < p.length) out.push({ op: "predicted", text: p[j++]! });
  return out;
}

/** A line diff of two texts (line endings normalised, a final newline ignored). */
export function diffLines(gold: string, predicted: string): ReportDiff {
  const lines = (t: string) => t.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
  return { kind: "lines", ops: diffSequences(lines(gold), lines(predicted)) };
}
