// ConcurrencyTrace: the trace-prediction task of the brief. Given OTP process
// code, a timeline of stimuli and a question, predict what the BEAM does.
// Answers in the datasets were observed by running the code, and the
// traceAnswer metric reads `prediction` as an Elixir term.
import { z } from "zod";
import { ChainOfThought, Module, signature, type InputsOf } from "@otpforge/core";

export const TRACE_INSTRUCTIONS =
  "You are given the Elixir code of a few OTP processes, a timeline of what an external System process does to " +
  "them, and a question about what happens. Reason with OTP's real guarantees: a GenServer handles one message " +
  "at a time, in mailbox order; message order holds only per sender-receiver pair; GenServer.call blocks the " +
  "caller and exits with :timeout after its timeout, with :noproc when no process has the name, and with " +
  ":calling_self when a process calls itself; an exception or uncaught exit in a callback kills the process and " +
  "its mailbox is lost; a supervisor restarts a child as a new process with its init state (permanent: always, " +
  "transient: only after an abnormal exit, temporary: never) until max_restarts in max_seconds is exceeded, " +
  "then the supervisor exits; a cast or send to a dead pid is silently lost; `use GenServer` gives a default " +
  "handle_info that ignores unexpected messages, but a module that defines handle_info clauses crashes on a " +
  "message none of them match. Answer exactly in the format the question asks for.";

const PREDICTION_DESCRIPTION =
  "the answer as an Elixir term in exactly the format the question asks for (e.g. 3, [:b, :a], {:exit, :noproc}, :handled), with nothing else";

const inputs = {
  process_code: z.string().describe("the Elixir code for all involved GenServers (and supervisor)"),
  event_trace: z.string().describe("a timestamped log of what System does (and, for some questions, events observed up to a cut-off)"),
  question: z.string().describe("what to predict, with the expected answer format"),
};

/** The signature of the brief: process_code, event_trace, question -> prediction, reasoning. */
export const ConcurrencyTrace = signature({
  name: "ConcurrencyTrace",
  instructions: TRACE_INSTRUCTIONS,
  inputs,
  outputs: {
    prediction: z.string().describe(PREDICTION_DESCRIPTION),
    reasoning: z.string().describe("step-by-step reasoning from OTP's message-passing guarantees that leads to the prediction"),
  },
});

/** The same task with only the answer as output; TraceProgram wraps it in ChainOfThought (reasoning first). */
export const ConcurrencyTraceAnswer = signature({
  name: "ConcurrencyTrace",
  instructions: TRACE_INSTRUCTIONS,
  inputs,
  outputs: { prediction: z.string().describe(PREDICTION_DESCRIPTION) },
});

/**
 * The ready-made trace program: one ChainOfThought predictor named `predict`,
 * which writes `reasoning` before `prediction` (the outputs of ConcurrencyTrace).
 * Compile and evaluate it as the same class so that artifacts match.
 */
export class TraceProgram extends Module {
  predict = new ChainOfThought(ConcurrencyTraceAnswer);

  async forward(inputs: InputsOf<typeof ConcurrencyTrace>) {
    return this.predict.forward(inputs);
  }
}

/** The input fields of a trace example (what a program sees). */
export const TRACE_INPUT_FIELDS = ["process_code", "event_trace", "question"] as const;
