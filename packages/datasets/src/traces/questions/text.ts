// The wording of each question family and the kind of answer it expects. The
// question says exactly how to write the answer, so a model can be graded on it.
import { SUPERVISOR_MODULE } from "../render-code.js";
import { stepCode } from "../render-trace.js";
import type { World } from "../world.js";
import type { Family, QuestionSpec } from "./spec.js";

import { renderLit, type TraceAnswerKind as AnswerKind } from "@otpforge/otp-signatures";
export type { AnswerKind };

export const EXIT_CLASSES_HELP =
  "{:exit, reason} if the call exits, where reason is the class of the exit: :noproc, :timeout, :calling_self, :killed, :normal, :shutdown, or the exception module (e.g. RuntimeError)";

export function answerKind(family: Family): AnswerKind {
  switch (family) {
    case "restart_count":
      return "integer";
    case "handling_order":
      return "ordered_list";
    case "alive_at_end":
      return "set";
    default:
      return "term";
  }
}

/** Messages that carry pids or monitor references are written in a run-independent form. */
function scrubNote(world: World): string {
  const has = world.processes.some((p) => p.handlers.some((h) => h.kind === "watch_cast" || h.kind === "later_call"));
  return has
    ? " In messages, write a caller's `from` as :from, references as :ref, pids as :pid, and the reason in a :DOWN message as its exit class (e.g. :killed)."
    : "";
}

/** Said by every question whose answer is a term (the answers are printed this way). */
export const TERM_SYNTAX = " Write tuples in braces, never in keyword syntax (write [{:add, 1}], not [add: 1]).";

export function questionText(world: World, spec: QuestionSpec): string {
  const terms =
    spec.family === "final_state" || spec.family === "call_result" || spec.family === "handling_order" || spec.family === "next_handled";
  return (
    baseQuestion(world, spec) +
    (terms ? TERM_SYNTAX : "") +
    (spec.family === "handling_order" || spec.family === "next_handled" ? scrubNote(world) : "")
  );
}

function baseQuestion(world: World, spec: QuestionSpec): string {
  switch (spec.family) {
    case "final_state":
      return `What is the state of ${spec.proc} when System stops (T=${world.endAt}ms)? Answer with the state as an Elixir term, e.g. 3 or [:b, :a].`;
    case "call_result": {
      const step = world.schedule[spec.step - 1];
      return `What does the call in step ${spec.step} (${stepCode(step)}) return to System? Answer with the returned term, or ${EXIT_CLASSES_HELP}.`;
    }
    case "message_fate": {
      const step = world.schedule[spec.step - 1];
      const origin =
        step.target === spec.proc
          ? `System ${step.op === "send" ? "sends" : "casts"} to ${spec.proc} in step ${spec.step}`
          : `${step.target} relays to ${spec.proc} after step ${spec.step}`;
      return (
        `What happens to the message ${renderLit(spec.msg)} that ${origin}? Answer with one atom: ` +
        `:handled (a callback of ${spec.proc} handles it and returns), ` +
        `:crashed_while_handling (${spec.proc} crashes inside the callback handling it), ` +
        `:lost_in_mailbox (it reaches ${spec.proc}'s mailbox but the process dies before handling it), ` +
        `or :never_delivered (no live process receives it).`
      );
    }
    case "restart_count":
      return `How many times does ${SUPERVISOR_MODULE} restart ${spec.proc} before System stops? Answer with an integer.`;
    case "handling_order":
      return (
        `In what order do ${spec.proc}'s callbacks (handle_call, handle_cast, handle_info) take up messages during the run, ` +
        `across restarts, counting a message whose handler crashes? Answer with an Elixir list of the messages, ` +
        `e.g. [{:add, 1}, :get], or [] if there are none.`
      );
    case "alive_at_end": {
      const names = world.processes.map((p) => p.name);
      return (
        `Which of the processes ${names.join(", ")} are alive (registered and running) when System stops? ` +
        `Answer with an Elixir list of module names in the order ${names.join(", ")}, e.g. [${names[0]}], or [] if none.`
      );
    }
    case "next_handled":
      return (
        `The trace shows everything observed before step ${spec.afterStep + 1} started. What is the next message that ` +
        `${spec.proc} takes up in a callback after that point? Answer with the message term, or :none if it takes up no further message.`
      );
  }
}

/** The wording when runs disagreed: the answer is the set of observed outcomes. */
export function outcomesQuestionText(world: World, spec: QuestionSpec): string {
  return (
    `${questionText(world, spec)} This world contains a race: different runs can give different answers. ` +
    `List every possible answer, as an Elixir list of answers in any order.`
  );
}
