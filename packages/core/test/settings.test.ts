import { afterEach, describe, expect, it } from "vitest";
import {
  ChatAdapter,
  configure,
  currentAdapter,
  currentLM,
  JSONAdapter,
  NoLMConfiguredError,
  Predict,
  signature,
  withSettings,
} from "../src/index.js";
import { currentSettings } from "../src/internal.js";
import { chatReply, ScriptedLM } from "../src/testing/index.js";

const QA = signature("question -> answer");
const named = (id: string) => new ScriptedLM(chatReply({ answer: id }), { id });

afterEach(() => configure({ lm: undefined, adapter: undefined }));

describe("settings", () => {
  it("says how to configure an LM when there is none", () => {
    expect(() => currentLM()).toThrow(NoLMConfiguredError);
    expect(() => currentLM()).toThrow("set OTPFORGE_LM (or pass --lm) to provider/model, e.g. openai/gpt-5-mini (with OPENAI_API_KEY)");
  });

  it("resolves the LM: per call > predictor > withSettings > configure", async () => {
    configure({ lm: named("global/lm") });
    const p = new Predict(QA);
    expect((await p.forward({ question: "q" })).outputs.answer).toBe("global/lm");
    await withSettings({ lm: named("scoped/lm") }, async () => {
      expect((await p.forward({ question: "q" })).outputs.answer).toBe("scoped/lm");
      // A nested scope that sets only the adapter keeps the outer LM.
      await withSettings({ adapter: new JSONAdapter() }, async () => {
        expect(currentLM().id).toBe("scoped/lm");
        expect(currentAdapter().name).toBe("JSONAdapter");
      });
      p.lm = named("predictor/lm");
      expect((await p.forward({ question: "q" })).outputs.answer).toBe("predictor/lm");
      expect((await p.forward({ question: "q" }, { lm: named("call/lm") })).outputs.answer).toBe("call/lm");
    });
    expect(currentSettings().lm?.id).toBe("global/lm");
  });

  it("keeps concurrent scopes apart", async () => {
    const ids = await Promise.all(
      ["a/1", "b/2", "c/3"].map((id) =>
        withSettings({ lm: named(id) }, async () => {
          await new Promise((r) => setTimeout(r, id === "a/1" ? 5 : 0));
          return currentLM().id;
        }),
      ),
    );
    expect(ids).toEqual(["a/1", "b/2", "c/3"]);
  });

  it("defaults to a ChatAdapter and lets configure() replace or clear it", () => {
    expect(currentAdapter()).toBeInstanceOf(ChatAdapter);
    const json = new JSONAdapter();
    configure({ adapter: json });
    expect(currentAdapter()).toBe(json);
    configure({ adapter: undefined });
    expect(currentAdapter()).toBeInstanceOf(ChatAdapter);
  });
});
