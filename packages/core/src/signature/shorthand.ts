// The string shorthand `"question: string, context: string[] -> answer: int"`,
// parsed twice: at runtime into zod schemas, and at the type level (template
// literal types) so that `signature("a -> b: int")` is as well typed as the
// object form. Both parsers accept the same grammar:
//   fields  := field ("," field)*
//   field   := name ["?"] [":" type]        (no type means string; "?" optional)
//   type    := base ("[]")*
//   base    := string|str|number|float|int|integer|boolean|bool|json|unknown
import { z } from "zod";
import { OtpforgeError } from "../errors.js";
import { FIELD_NAME, type Fields } from "./fields.js";

/** Malformed shorthand. `position` is a 0-based offset into `source`. */
export class SignatureSyntaxError extends OtpforgeError {
  readonly source: string;
  readonly position: number;

  constructor(source: string, position: number, problem: string) {
    const caret = " ".repeat(position) + "^";
    super(
      "SIGNATURE_SYNTAX",
      `Malformed signature shorthand at column ${position + 1}: ${problem}\n  ${source}\n  ${caret}\n` +
        `Expected "input: type, ... -> output: type, ..." with types ${Object.keys(BASE_TYPES).join(", ")} (append [] for lists).`,
      { category: "input" },
    );
    this.source = source;
    this.position = position;
  }
}

const BASE_TYPES: Record<string, () => z.ZodType> = {
  string: () => z.string(),
  str: () => z.string(),
  number: () => z.number(),
  float: () => z.number(),
  int: () => z.int(),
  integer: () => z.int(),
  boolean: () => z.boolean(),
  bool: () => z.boolean(),
  json: () => z.unknown(),
  unknown: () => z.unknown(),
};

export interface ParsedShorthand {
  inputs: Fields;
  outputs: Fields;
}

export function parseShorthand(source: string): ParsedShorthand {
  const arrow = source.indexOf("->");
  if (arrow < 0) throw new SignatureSyntaxError(source, source.length, 'missing "->" between the inputs and the outputs');
  const second = source.indexOf("->", arrow + 2);
  if (second >= 0) throw new SignatureSyntaxError(source, second, 'a second "->"; a signature has exactly one');
  const seen = new Set<string>();
  const inputs = parseFieldList(source, 0, arrow, seen, "input");
  const outputs = parseFieldList(source, arrow + 2, source.length, seen, "output");
  return { inputs, outputs };
}

function parseFieldList(source: string, start: number, end: number, seen: Set<string>, side: "input" | "output"): Fields {
  const fields: Fields = {};
  let partStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && source[i] !== ",") continue;
    const raw = source.slice(partStart, i);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    const at = text ? partStart + lead : partStart;
    if (!text) {
      const what = start === partStart && i === end ? `no ${side} fields` : `an empty ${side} field (stray comma?)`;
      throw new SignatureSyntaxError(source, i, what);
    }
    const [name, schema] = parseField(source, text, at);
    if (seen.has(name)) throw new SignatureSyntaxError(source, at, `field "${name}" is declared twice`);
    seen.add(name);
    fields[name] = schema;
    partStart = i + 1;
  }
  return fields;
}

function parseField(source: string, text: string, at: number): [string, z.ZodType] {
  const colon = text.indexOf(":");
  let name = (colon < 0 ? text : text.slice(0, colon)).trimEnd();
  const optional = name.endsWith("?");
  if (optional) name = name.slice(0, -1).trimEnd();
  if (!FIELD_NAME.test(name)) {
    throw new SignatureSyntaxError(source, at, `"${name}" is not a valid field name (letters, digits and _, not starting with a digit)`);
  }
  let schema: z.ZodType = z.string();
  if (colon >= 0) {
    const typeRaw = text.slice(colon + 1);
    const typeAt = at + colon + 1 + (typeRaw.length - typeRaw.trimStart().length);
    schema = parseType(source, typeRaw.trim(), typeAt);
  }
  return [name, optional ? schema.optional() : schema];
}

function parseType(source: string, type: string, at: number): z.ZodType {
  let base = type;
  let depth = 0;
  while (base.endsWith("[]")) {
    base = base.slice(0, -2).trimEnd();
    depth++;
  }
  const make = BASE_TYPES[base];
  if (!make) {
    const problem = base ? `unknown type "${base}"` : "a type is missing after the colon";
    throw new SignatureSyntaxError(source, at, problem);
  }
  let schema = make();
  for (let d = 0; d < depth; d++) schema = z.array(schema);
  return schema;
}

// ---- the same grammar at the type level ---------------------------------

type WS = " " | "\t" | "\n" | "\r";
type Trim<S extends string> = S extends `${WS}${infer R}` ? Trim<R> : S extends `${infer R}${WS}` ? Trim<R> : S;
type Split<S extends string, D extends string> = S extends `${infer H}${D}${infer T}` ? [H, ...Split<T, D>] : [S];

type BaseSchema<T extends string> = T extends `${infer E}[]`
  ? z.ZodArray<BaseSchema<Trim<E>>>
  : T extends "string" | "str"
    ? z.ZodString
    : T extends "number" | "float"
      ? z.ZodNumber
      : T extends "int" | "integer"
        ? ReturnType<typeof z.int>
        : T extends "boolean" | "bool"
          ? z.ZodBoolean
          : T extends "json" | "unknown"
            ? z.ZodUnknown
            : z.ZodType;

type StripQ<N extends string> = N extends `${infer M}?` ? Trim<M> : N;
type Opt<N extends string, S extends z.ZodType> = N extends `${string}?` ? z.ZodOptional<S> : S;
type FieldName<P extends string> = Trim<P> extends `${infer N}:${string}` ? StripQ<Trim<N>> : StripQ<Trim<P>>;
type FieldSchema<P extends string> =
  Trim<P> extends `${infer N}:${infer T}` ? Opt<Trim<N>, BaseSchema<Trim<T>>> : Opt<Trim<P>, z.ZodString>;

/** The zod shape a shorthand field list declares, e.g. `{ question: ZodString; k: ZodInt }`. */
export type ShorthandFields<S extends string> = {
  [P in Split<S, ",">[number] as FieldName<P>]: FieldSchema<P>;
};

/** [inputs, outputs] shapes of a shorthand; plain `Fields` when `S` is not a literal. */
export type ParseShorthand<S extends string> = string extends S
  ? [Fields, Fields]
  : S extends `${infer I}->${infer O}`
    ? [ShorthandFields<I>, ShorthandFields<O>]
    : [Fields, Fields];
