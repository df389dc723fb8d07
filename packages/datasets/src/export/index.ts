export { exportOpenAIChat, traceChatMessages, type OpenAIChatExportOptions, type ExportResult } from "./openai-chat.js";
export { exportHuggingFace, type HFExportOptions } from "./hf.js";
export { ExportError } from "./write-dir.js";
