export { parseTerm, printTerm, TermParseError, atomTerm, type Term } from "@otpforge/otp-signatures";
export { exitClass, normalizeTerm, termEquals, termKey, lcsLength, jaccard } from "./compare.js";
export {
  traceAnswer,
  scoreTraceAnswer,
  readPredictedTerm,
  TRACE_ANSWER_KINDS,
  type TraceAnswerKind,
  type TraceAnswerScore,
} from "./trace-answer.js";
