export { exportOpenAIChat, traceChatMessages, type OpenAIChatExportOptions, type ExportResult } from "./openai-chat.js";
export { exportHuggingFace, type HFExportOptions } from "./hf.js";
export { ExportError, EXPORT_MANIFEST } from "./write-dir.js";
