export { parseTerm, printTerm, TermParseError, atomTerm, intTerm, type Term } from "./elixir-term.js";
export { exitClass, normalizeTerm, termEquals, termKey, lcsLength, jaccard } from "./compare.js";
export { traceAnswer, scoreTraceAnswer, readPredictedTerm, TRACE_ANSWER_KINDS, type TraceAnswerKind, type TraceAnswerScore } from "./trace-answer.js";
