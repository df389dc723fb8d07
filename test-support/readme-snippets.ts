// Runs the TypeScript blocks of a README as written, so that the documented
// code cannot go stale: the types are stripped by the compiler, each
// `import { a, b } from "m"` is bound to the module object the test gives for
// "m", and the rest runs as the body of an async function. The one helper every
// package's README test uses.
import { readFileSync } from "node:fs";
import ts from "typescript";

export type SnippetModules = Record<string, Record<string, unknown>>;

/** The first ```ts block of a Markdown file, or the first one after the line `heading` (e.g. "## Usage"). */
export function tsBlock(markdown: URL, heading?: string): string {
  const text = readFileSync(markdown, "utf8");
  const at = heading === undefined ? 0 : text.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`no heading "${heading}" in ${markdown.pathname}`);
  const m = /```ts\n([\s\S]*?)```/.exec(text.slice(at));
  if (!m) throw new Error(`no \`\`\`ts block${heading === undefined ? "" : ` after "${heading}"`} in ${markdown.pathname}`);
  return m[1]!;
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;

/**
 * Runs `code` with its imports bound to `modules`; an import of a module not
 * given, or of a name the module does not export, is an error (the README
 * would not work for a user either). `expose` names top-level bindings of the
 * snippet to return, for the test to check.
 */
export async function runSnippet(
  code: string,
  modules: SnippetModules,
  options: { expose?: readonly string[] } = {},
): Promise<Record<string, unknown>> {
  const js = ts.transpileModule(code, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true },
  }).outputText;
  const names: string[] = [];
  const values: unknown[] = [];
  const body = js.replace(/^import \{([^}]+)\} from "([^"]+)";\n/gm, (_, list: string, spec: string) => {
    const mod = modules[spec];
    if (!mod) throw new Error(`the snippet imports ${spec}, which the test does not provide`);
    for (const name of list
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (!(name in mod)) throw new Error(`${spec} does not export ${name}`);
      names.push(name);
      values.push(mod[name]);
    }
    return "";
  });
  if (/^import /m.test(body)) throw new Error(`the snippet has an import the runner cannot bind:\n${body}`);
  const expose = options.expose ?? [];
  const run = new AsyncFunction(...names, `${body}\nreturn { ${expose.join(", ")} };`);
  return (await run(...values)) as Record<string, unknown>;
}
