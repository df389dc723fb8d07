// Server-sent events for `stream: true` requests: the same answer as the JSON
// body, cut into the chunks (OpenAI) or events (Anthropic) the SDKs read.
import type { ServerResponse } from "node:http";

type Body = Record<string, unknown>;

/** Text in a few pieces, so a client sees several deltas. */
function pieces(text: string, n = 3): string[] {
  if (text.length <= n) return [text];
  const size = Math.ceil(text.length / n);
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

export function openAIStreamEvents(out: Body, includeUsage: boolean): string[] {
  const base = { id: out.id, object: "chat.completion.chunk", created: out.created, model: out.model };
  const events: string[] = [];
  for (const c of out.choices as Array<{ index: number; message: { content: string }; finish_reason: string }>) {
    events.push(JSON.stringify({ ...base, choices: [{ index: c.index, delta: { role: "assistant", content: "" }, finish_reason: null }] }));
    for (const p of pieces(c.message.content ?? ""))
      events.push(JSON.stringify({ ...base, choices: [{ index: c.index, delta: { content: p }, finish_reason: null }] }));
    events.push(JSON.stringify({ ...base, choices: [{ index: c.index, delta: {}, finish_reason: c.finish_reason }] }));
  }
  if (includeUsage) events.push(JSON.stringify({ ...base, choices: [], usage: out.usage }));
  return [...events.map((e) => `data: ${e}\n\n`), "data: [DONE]\n\n"];
}

export function anthropicStreamEvents(out: Body): string[] {
  const usage = out.usage as Record<string, number>;
  const ev = (type: string, data: Body) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const events = [ev("message_start", { message: { ...out, content: [], stop_reason: null, usage: { ...usage, output_tokens: 0 } } })];
  (out.content as Array<Record<string, unknown>>).forEach((block, index) => {
    if (block.type === "tool_use") {
      events.push(ev("content_block_start", { index, content_block: { type: "tool_use", id: block.id, name: block.name, input: {} } }));
      for (const p of pieces(JSON.stringify(block.input)))
        events.push(ev("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: p } }));
    } else {
      events.push(ev("content_block_start", { index, content_block: { type: "text", text: "" } }));
      for (const p of pieces(String(block.text ?? "")))
        events.push(ev("content_block_delta", { index, delta: { type: "text_delta", text: p } }));
    }
    events.push(ev("content_block_stop", { index }));
  });
  events.push(
    ev("message_delta", { delta: { stop_reason: out.stop_reason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } }),
  );
  events.push(ev("message_stop", {}));
  return events;
}

/** Writes the events, `delayMs` apart (a slow but steady stream). */
export async function sendEvents(res: ServerResponse, events: string[], delayMs: number, isClosed: () => boolean): Promise<void> {
  if (res.destroyed) return;
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
  for (const e of events) {
    if (isClosed()) return;
    res.write(e);
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  }
  res.end();
}
