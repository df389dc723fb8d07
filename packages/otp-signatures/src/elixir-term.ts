// Elixir terms as otpforge handles them, in one place:
// - read from text: a parser for Elixir term literals, written in TypeScript so
//   that a model's answer is never evaluated, and a canonical printer;
// - checked before pasting: whether a piece of text is a plain data literal
//   (design problems paste such pieces into a trusted probe script);
// - held as JSON data: `Lit`, the integers, atoms, lists and tuples of the
//   trace worlds' messages and states, and the Elixir text they print as.

// ---- terms read from text ----------------------------------------------------
//
// Integers, floats, atoms (incl. quoted atoms and aliases), booleans, nil,
// strings, charlists, lists (incl. keyword lists and improper tails), tuples,
// maps and structs. `#PID<...>`, `#Reference<...>` and `#Port<...>` read as the
// atoms :pid, :ref and :port (the dataset's run-independent spelling). Anything
// else is a TermParseError with a position.

export type Term =
  | { type: "integer"; value: bigint }
  | { type: "float"; value: number }
  /** Aliases are atoms named "Elixir.Foo"; true, false and nil are atoms too. */
  | { type: "atom"; value: string }
  | { type: "string"; value: string }
  | { type: "list"; items: Term[]; tail?: Term }
  | { type: "tuple"; items: Term[] }
  | { type: "map"; entries: Array<[Term, Term]> };

export class TermParseError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number, source: string) {
    const line = source.slice(0, offset).split("\n").length;
    const col = offset - source.lastIndexOf("\n", offset - 1);
    super(`${message} at line ${line}, column ${col}`);
    this.name = "TermParseError";
    this.offset = offset;
  }
}

export const atomTerm = (value: string): Term => ({ type: "atom", value });
export const intTerm = (value: number | bigint): Term => ({ type: "integer", value: BigInt(value) });

const IDENT_START = /[a-z_]/;
const IDENT_CHAR = /[a-zA-Z0-9_]/;
const MAX_DEPTH = 200;

class Parser {
  private pos = 0;
  private depth = 0;
  constructor(private readonly src: string) {}

  fail(message: string, at = this.pos): never {
    throw new TermParseError(message, at, this.src);
  }

  private skip(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") this.pos++;
      else if (
        c === "#" &&
        !this.src.startsWith("#PID<", this.pos) &&
        !this.src.startsWith("#Reference<", this.pos) &&
        !this.src.startsWith("#Port<", this.pos)
      ) {
        while (this.pos < this.src.length && this.src[this.pos] !== "\n") this.pos++;
      } else return;
    }
  }

  private peek(): string {
    this.skip();
    return this.src[this.pos] ?? "";
  }

  private expect(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected "${ch}" but found ${this.describeHere()}`);
    this.pos += ch.length;
  }

  private describeHere(): string {
    return this.pos >= this.src.length ? "the end of the text" : `"${this.src.slice(this.pos, this.pos + 12)}"`;
  }

  parseAll(): Term {
    const t = this.value();
    this.skip();
    if (this.pos < this.src.length) this.fail(`unexpected text after the term: ${this.describeHere()}`);
    return t;
  }

  value(): Term {
    if (++this.depth > MAX_DEPTH) this.fail("the term nests too deeply");
    try {
      return this.valueInner();
    } finally {
      this.depth--;
    }
  }

  private valueInner(): Term {
    const c = this.peek();
    const rest = this.src.slice(this.pos);
    if (c === "") this.fail("expected a term but the text ended");
    if (c === "[") return this.list();
    if (c === "{") return this.tuple();
    if (c === "%") return this.map();
    if (c === '"') return { type: "string", value: this.quoted('"') };
    if (c === "'") return charlist(this.quoted("'"));
    if (rest.startsWith('~c"')) {
      this.pos += 2;
      return charlist(this.quoted('"'));
    }
    if (rest.startsWith("~c'")) {
      this.pos += 2;
      return charlist(this.quoted("'"));
    }
    if (c === ":") return this.atom();
    if (c === "-" || c === "+" || /[0-9]/.test(c)) return this.number();
    if (rest.startsWith("#PID<")) return this.opaque("pid");
    if (rest.startsWith("#Reference<")) return this.opaque("ref");
    if (rest.startsWith("#Port<")) return this.opaque("port");
    if (/[A-Z]/.test(c)) return atomTerm(`Elixir.${this.alias()}`);
    if (IDENT_START.test(c)) {
      const word = this.ident();
      if (word === "true" || word === "false" || word === "nil") return atomTerm(word);
      this.fail(`"${word}" is a variable or a call, not a literal term`, this.pos - word.length);
    }
    if (rest.startsWith("<<")) this.fail("binaries written as <<...>> are not supported; write a string");
    this.fail(`unexpected ${this.describeHere()}`);
  }

  private opaque(name: string): Term {
    const end = this.src.indexOf(">", this.pos);
    if (end < 0) this.fail("an opaque #...<...> value is not closed");
    this.pos = end + 1;
    return atomTerm(name);
  }

  private ident(): string {
    const start = this.pos;
    while (this.pos < this.src.length && IDENT_CHAR.test(this.src[this.pos])) this.pos++;
    if (this.src[this.pos] === "?" || this.src[this.pos] === "!") this.pos++;
    return this.src.slice(start, this.pos);
  }

  private alias(): string {
    const parts: string[] = [];
    for (;;) {
      const start = this.pos;
      if (!/[A-Z]/.test(this.src[this.pos] ?? "")) this.fail("expected an alias such as Counter");
      while (this.pos < this.src.length && IDENT_CHAR.test(this.src[this.pos])) this.pos++;
      parts.push(this.src.slice(start, this.pos));
      if (this.src[this.pos] === "." && /[A-Z]/.test(this.src[this.pos + 1] ?? "")) this.pos++;
      else return parts.join(".");
    }
  }

  private atom(): Term {
    this.pos++; // ":"
    const c = this.src[this.pos];
    if (c === '"') return atomTerm(this.quoted('"'));
    if (c !== undefined && /[A-Z]/.test(c)) return atomTerm(this.alias());
    if (c !== undefined && IDENT_START.test(c)) {
      const word = this.ident();
      // :nonode@nohost and friends
      if (this.src[this.pos] === "@") {
        this.pos++;
        return atomTerm(`${word}@${this.ident()}`);
      }
      return atomTerm(word);
    }
    this.fail("expected an atom name after ':'");
  }

  private number(): Term {
    const m = /^[-+]?(0x[0-9a-fA-F_]+|0b[01_]+|0o[0-7_]+|[0-9][0-9_]*(\.[0-9][0-9_]*([eE][-+]?[0-9]+)?)?)/.exec(this.src.slice(this.pos));
    if (!m) this.fail("expected a number");
    const text = m[0].replace(/_/g, "");
    this.pos += m[0].length;
    if (m[2] !== undefined) return { type: "float", value: Number(text) };
    const negative = text.startsWith("-");
    const body = text.replace(/^[-+]/, "");
    const value = BigInt(body);
    return { type: "integer", value: negative ? -value : value };
  }

  private quoted(q: string): string {
    const start = this.pos;
    this.pos++; // opening quote
    let out = "";
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) this.fail("a quoted text is not closed", start);
      if (c === q) {
        this.pos++;
        return out;
      }
      if (c === "#" && this.src[this.pos + 1] === "{") this.fail("interpolation #{...} is code, not a literal");
      if (c === "\\") {
        const e = this.src[this.pos + 1];
        const map: Record<string, string> = {
          n: "\n",
          t: "\t",
          r: "\r",
          "0": "\0",
          "\\": "\\",
          '"': '"',
          "'": "'",
          "#": "#",
          e: "\x1b",
          s: " ",
        };
        if (e !== undefined && e in map) {
          out += map[e];
          this.pos += 2;
          continue;
        }
        this.fail(`unsupported escape \\${e ?? ""}`);
      }
      out += c;
      this.pos++;
    }
  }

  /** `name: ` inside a list or map: a keyword key. */
  private keywordKey(): string | undefined {
    this.skip();
    const rest = this.src.slice(this.pos);
    const m = /^([a-zA-Z_][a-zA-Z0-9_]*[?!]?):(?=\s)/.exec(rest) ?? /^"((?:[^"\\]|\\.)*)":(?=\s)/.exec(rest);
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[1];
  }

  private list(): Term {
    this.expect("[");
    const items: Term[] = [];
    let tail: Term | undefined;
    let keywords = false;
    while (this.peek() !== "]") {
      const key = this.keywordKey();
      if (key !== undefined) {
        keywords = true;
        items.push({ type: "tuple", items: [atomTerm(key), this.value()] });
      } else {
        if (keywords) this.fail("keyword pairs must come last in a list");
        items.push(this.value());
      }
      const sep = this.peek();
      if (sep === "|") {
        this.pos++;
        tail = this.value();
        if (this.peek() !== "]") this.fail('expected "]" after the tail of an improper list');
        break;
      }
      if (sep === ",") this.pos++;
      else if (sep !== "]") this.fail(`expected "," or "]" in a list but found ${this.describeHere()}`);
    }
    this.expect("]");
    return tail !== undefined && !(tail.type === "list" && tail.tail === undefined)
      ? { type: "list", items, tail }
      : { type: "list", items: tail?.type === "list" ? [...items, ...tail.items] : items };
  }

  private tuple(): Term {
    this.expect("{");
    const items: Term[] = [];
    while (this.peek() !== "}") {
      items.push(this.value());
      const sep = this.peek();
      if (sep === ",") this.pos++;
      else if (sep !== "}") this.fail(`expected "," or "}" in a tuple but found ${this.describeHere()}`);
    }
    this.expect("}");
    return { type: "tuple", items };
  }

  private map(): Term {
    this.expect("%");
    let struct: string | undefined;
    if (/[A-Z]/.test(this.src[this.pos] ?? "")) struct = this.alias();
    this.expect("{");
    const entries: Array<[Term, Term]> = [];
    if (struct) entries.push([atomTerm("__struct__"), atomTerm(`Elixir.${struct}`)]);
    let keywords = false;
    while (this.peek() !== "}") {
      const key = this.keywordKey();
      if (key !== undefined) {
        keywords = true;
        entries.push([atomTerm(key), this.value()]);
      } else {
        if (keywords) this.fail("key: value pairs must come last in a map");
        const k = this.value();
        this.skip();
        if (!this.src.startsWith("=>", this.pos)) this.fail(`expected "=>" in a map but found ${this.describeHere()}`);
        this.pos += 2;
        entries.push([k, this.value()]);
      }
      const sep = this.peek();
      if (sep === ",") this.pos++;
      else if (sep !== "}") this.fail(`expected "," or "}" in a map but found ${this.describeHere()}`);
    }
    this.expect("}");
    return { type: "map", entries };
  }
}

function charlist(text: string): Term {
  return { type: "list", items: [...text].map((ch) => intTerm(ch.codePointAt(0) as number)) };
}

/** Parses one Elixir literal; throws TermParseError (with line and column) otherwise. */
export function parseTerm(source: string): Term {
  return new Parser(source).parseAll();
}

/** Canonical text of a term (no keyword-list sugar): used in feedback and for comparing answers. */
export function printTerm(t: Term): string {
  switch (t.type) {
    case "integer":
      return t.value.toString();
    case "float":
      return Number.isInteger(t.value) ? t.value.toFixed(1) : String(t.value);
    case "atom":
      if (t.value.startsWith("Elixir.")) return t.value.slice(7);
      if (t.value === "true" || t.value === "false" || t.value === "nil") return t.value;
      return /^[a-z_][a-zA-Z0-9_]*[?!]?(@[a-zA-Z0-9_.]+)?$/.test(t.value) ? `:${t.value}` : `:${JSON.stringify(t.value)}`;
    case "string":
      return JSON.stringify(t.value);
    case "list":
      return `[${t.items.map(printTerm).join(", ")}${t.tail ? ` | ${printTerm(t.tail)}` : ""}]`;
    case "tuple":
      return `{${t.items.map(printTerm).join(", ")}}`;
    case "map":
      return `%{${t.entries.map(([k, v]) => `${printTerm(k)} => ${printTerm(v)}`).join(", ")}}`;
  }
}

// ---- plain literals, checked before they are pasted into trusted code ---------
//
// Design problems carry small pieces of Elixir (call arguments, expected return
// values, child ids, start options) that the design probe pastes into its own
// trusted script. Only plain data literals pass, so a design problem read from a
// user's file can name values but never run code of its own.

const ALIAS = String.raw`[A-Z][A-Za-z0-9_]*(?:\.[A-Z][A-Za-z0-9_]*)*`;
const TOKEN = new RegExp(
  [
    String.raw`\s+`,
    String.raw`"[^"\\#]*"`, // strings without escapes or interpolation
    String.raw`:[a-z_][A-Za-z0-9_]*[?!]?`, // atoms
    String.raw`[a-z_][A-Za-z0-9_]*:(?=\s)`, // keyword keys
    String.raw`(?:nil|true|false)\b`,
    String.raw`-?\d[\d_]*\b`, // integers
    ALIAS + String.raw`\b`,
    String.raw`[{}\[\],]`,
  ].join("|"),
  "y",
);

const ALIAS_ONLY = new RegExp(`^${ALIAS}$`);
const FUNCTION_REF = new RegExp(`^(${ALIAS})\\.([a-z_][A-Za-z0-9_]*[?!]?)$`);

/** True when `text` is a literal made of atoms, aliases, integers, strings, nil/booleans, lists, tuples and keyword lists. */
export function isElixirLiteral(text: string): boolean {
  if (text.trim() === "") return false;
  const stack: string[] = [];
  TOKEN.lastIndex = 0;
  let pos = 0;
  while (pos < text.length) {
    TOKEN.lastIndex = pos;
    const m = TOKEN.exec(text);
    if (!m || m.index !== pos) return false;
    const tok = m[0];
    if (tok === "{" || tok === "[") stack.push(tok);
    if (tok === "}" && stack.pop() !== "{") return false;
    if (tok === "]" && stack.pop() !== "[") return false;
    pos += tok.length;
  }
  return stack.length === 0;
}

/** True when `text` is a module name such as `Chat.Registry`. */
export function isElixirAlias(text: string): boolean {
  return ALIAS_ONLY.test(text);
}

/** `"Cache.put"` as module and function; undefined when the text is not of that shape. */
export function splitFunctionRef(text: string): { module: string; fun: string } | undefined {
  const m = FUNCTION_REF.exec(text);
  return m ? { module: m[1]!, fun: m[2]! } : undefined;
}

// ---- literals held as JSON data ------------------------------------------------

/** An Elixir literal as JSON data (a trace world's messages and states): integer, atom, list or tuple. */
export type Lit = number | { atom: string } | Lit[] | { tuple: Lit[] };

/** `{:add, 2}`, `[:a, :b]`, `Counter`: the text Elixir's `inspect/1` prints for the same term. */
export function renderLit(lit: Lit): string {
  if (typeof lit === "number") return String(lit);
  if (Array.isArray(lit)) return `[${lit.map(renderLit).join(", ")}]`;
  if ("atom" in lit) return /^[A-Z]/.test(lit.atom) ? lit.atom : `:${lit.atom}`;
  return `{${lit.tuple.map(renderLit).join(", ")}}`;
}

/** The tag of a message: the atom itself, or the first atom of a tuple. */
export function messageTag(lit: Lit): string | undefined {
  if (typeof lit === "object" && !Array.isArray(lit)) {
    if ("atom" in lit) return lit.atom;
    const head = lit.tuple[0];
    if (head && typeof head === "object" && !Array.isArray(head) && "atom" in head) return head.atom;
  }
  return undefined;
}

/** The n-th element of a tuple message (0 is the tag). */
export function tupleArg(lit: Lit, index: number): Lit | undefined {
  if (typeof lit === "object" && !Array.isArray(lit) && "tuple" in lit) return lit.tuple[index];
  return undefined;
}
