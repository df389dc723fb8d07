// Models often wrap code in a markdown fence even when told not to. The
// fence is not Elixir, so it is removed before anything is checked; any
// other text around the code is left for the compiler to reject.

const FENCE = /^\s*```[\w+-]*[ \t]*\r?\n([\s\S]*?)\r?\n?```\s*$/;

/** The code inside a single surrounding ``` fence, or the text unchanged. */
export function stripCodeFence(text: string): string {
  const m = FENCE.exec(text);
  return m ? m[1]! : text;
}
