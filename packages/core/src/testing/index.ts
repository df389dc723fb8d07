// Test doubles for LMs: @otpforge/core/testing.
export { ScriptedLM, ScriptedLMNoMatchError, chatReply, inputOf } from "./scripted-lm.js";
export type { ScriptRule, ScriptedReply, ReplyFn, ScriptedLMOptions } from "./scripted-lm.js";
export { FakeProviderServer } from "./fake-server/server.js";
export type {
  FakeRequest,
  FakeReply,
  FakeHandler,
  FakeFault,
  FakeProtocol,
  RecordedRequest,
  FakeProviderServerOptions,
} from "./fake-server/types.js";
export { demoAwareLM, demoAwareReply } from "./demo-aware-model.js";
export { chatFields } from "./chat-fields.js";
export type { DemoAwareOptions, KnownQuestion } from "./demo-aware-model.js";
