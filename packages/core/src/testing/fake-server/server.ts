// A local HTTP server that speaks OpenAI's /v1/chat/completions and
// Anthropic's /v1/messages, answering from a handler. Tests and benchmarks
// point the real SDK clients at it, so the whole HTTP path is exercised
// without a remote model. It can misbehave on demand (faults) and records
// every request and the peak number of requests in flight.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { anthropicErrorBody, anthropicResponseBody, parseAnthropicRequest } from "./anthropic-wire.js";
import { anthropicStreamEvents, openAIStreamEvents, sendEvents } from "./sse.js";
import { openAIErrorBody, openAIResponseBody, parseOpenAIRequest } from "./openai-wire.js";
import { resolveReply, type ResolvedReply } from "./reply.js";
import type { FakeFault, FakeHandler, FakeProtocol, FakeProviderServerOptions, FakeRequest, RecordedRequest } from "./types.js";

const defaultHandler: FakeHandler = (req) => {
  const last = [...req.messages].reverse().find((m) => m.role === "user");
  return `fake answer to: ${(last?.content ?? "").slice(0, 60)}`;
};

export class FakeProviderServer {
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  handler: FakeHandler;
  latencyMs: number;
  /** Delay between the events of a streamed answer (default 0). */
  streamChunkDelayMs: number;
  private readonly server: Server;
  private faults: Array<{ fault: FakeFault; remaining: number }> = [];
  private current = 0;
  private peak = 0;
  private seq = 0;
  private port = 0;
  private readonly host: string;

  private constructor(options: FakeProviderServerOptions) {
    this.handler = options.handler ?? defaultHandler;
    this.latencyMs = options.latencyMs ?? 0;
    this.streamChunkDelayMs = options.streamChunkDelayMs ?? 0;
    this.host = options.host ?? "127.0.0.1";
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendJSON(res, 500, { error: { message: `fake server failure: ${String(err)}` } });
        else res.destroy();
      });
    });
  }

  /** Starts listening on an OS-chosen port of 127.0.0.1. */
  static async start(options: FakeProviderServerOptions = {}): Promise<FakeProviderServer> {
    const s = new FakeProviderServer(options);
    await new Promise<void>((resolve, reject) => {
      s.server.once("error", reject);
      s.server.listen(0, s.host, () => resolve());
    });
    s.port = (s.server.address() as AddressInfo).port;
    return s;
  }

  /** "http://127.0.0.1:PORT" */
  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  /** Base URL for the OpenAI SDK and openai-compatible clients ("…/v1"). */
  get openaiBaseURL(): string {
    return `${this.url}/v1`;
  }

  /** Base URL for the Anthropic SDK (it appends /v1/messages itself). */
  get anthropicBaseURL(): string {
    return this.url;
  }

  get inFlight(): number {
    return this.current;
  }

  /** The largest number of requests that were being served at the same time. */
  get peakInFlight(): number {
    return this.peak;
  }

  /** Requests whose path was a model endpoint (excludes unknown paths). */
  get modelRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.protocol !== "unknown");
  }

  /** Applies `fault` to the next `times` requests (Infinity: until clearFaults()). */
  injectFault(fault: FakeFault, times = 1): this {
    this.faults.push({ fault, remaining: times });
    return this;
  }

  clearFaults(): this {
    this.faults = [];
    return this;
  }

  /** Forgets recorded requests, the in-flight peak and pending faults. */
  reset(): this {
    this.requests.length = 0;
    this.faults = [];
    this.peak = this.current;
    this.seq = 0;
    return this;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // SDK clients keep connections alive; without this close() would wait for them.
      this.server.closeAllConnections();
    });
  }

  private nextFault(): FakeFault | undefined {
    const head = this.faults[0];
    if (!head) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) this.faults.shift();
    return head.fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.current += 1;
    this.peak = Math.max(this.peak, this.current);
    let closed = false;
    // Counted out on "finish" (the response is handed to the OS) or "close"
    // (the client went away), whichever comes first.
    const done = (): void => {
      if (closed) return;
      closed = true;
      this.current -= 1;
    };
    res.on("finish", done);
    res.on("close", done);

    const raw = await readBody(req);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const protocol: FakeProtocol | "unknown" =
      req.method === "POST" && path.endsWith("/chat/completions")
        ? "openai"
        : req.method === "POST" && path.endsWith("/messages")
          ? "anthropic"
          : "unknown";
    const headers = flatHeaders(req);
    let body: unknown;
    try {
      body = raw.length ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const seq = this.seq++;
    const record: RecordedRequest = { protocol, method: req.method ?? "", path, headers, body, seq };
    this.requests.push(record);

    if (protocol === "unknown") {
      sendJSON(res, 404, { error: { message: `fake provider server: no route for ${req.method} ${path}` } });
      return;
    }
    if (!body || typeof body !== "object") {
      sendJSON(res, 400, errorBody(protocol, 400, "request body is not a JSON object"));
      return;
    }

    const fault = this.nextFault();
    if (fault) record.fault = fault.kind;
    if (this.latencyMs > 0 && !(await wait(this.latencyMs, () => closed))) return;

    switch (fault?.kind) {
      case "rate_limit": {
        const h: Record<string, string> = {};
        if (fault.retryAfterSeconds !== undefined) h["retry-after"] = String(fault.retryAfterSeconds);
        if (fault.retryAfterMs !== undefined) h["retry-after-ms"] = String(fault.retryAfterMs);
        sendJSON(res, 429, errorBody(protocol, 429, "Rate limit reached (injected by the fake server)"), h);
        return;
      }
      case "server_error": {
        const status = fault.status ?? 500;
        sendJSON(
          res,
          status,
          errorBody(protocol, status, fault.message ?? "The server had an error (injected by the fake server)"),
          fault.headers ?? {},
        );
        return;
      }
      case "malformed_json":
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"id": "broken", "choices": [{"index": 0, "message": {"role": "assistant", "content": "cut');
        return;
      case "disconnect":
        req.socket.destroy();
        return;
      case "slow":
        if (!(await wait(fault.delayMs, () => closed))) return;
        break;
      default:
        break;
    }

    const parsed =
      protocol === "openai" ? parseOpenAIRequest(body as Record<string, unknown>) : parseAnthropicRequest(body as Record<string, unknown>);
    const base = { ...parsed, seq, headers, body: body as Record<string, unknown> };
    const replies: ResolvedReply[] = [];
    for (let choiceIndex = 0; choiceIndex < base.n; choiceIndex++) {
      const request: FakeRequest = { ...base, choiceIndex };
      replies.push(resolveReply(await this.handler(request), base.messages, fault?.kind === "truncated"));
    }
    if (closed) return;
    const out =
      protocol === "openai" ? openAIResponseBody(base, replies, seq) : anthropicResponseBody(base, replies[0] as ResolvedReply, seq);
    const b = body as { stream?: unknown; stream_options?: { include_usage?: unknown } };
    if (b.stream === true) {
      const events = protocol === "openai" ? openAIStreamEvents(out, b.stream_options?.include_usage === true) : anthropicStreamEvents(out);
      await sendEvents(res, events, this.streamChunkDelayMs, () => closed);
      return;
    }
    sendJSON(res, 200, out, protocol === "openai" ? { "x-request-id": `req_fake_${seq}` } : { "request-id": `req_fake_${seq}` });
  }
}

function errorBody(protocol: FakeProtocol, status: number, message: string): Record<string, unknown> {
  return protocol === "openai" ? openAIErrorBody(status, message) : anthropicErrorBody(status, message);
}

function sendJSON(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

/** Waits ms; resolves false early (without waiting further) once the client has gone. */
function wait(ms: number, isClosed: () => boolean): Promise<boolean> {
  return new Promise((resolve) => {
    const step = Math.min(ms, 25);
    const started = Date.now();
    const tick = (): void => {
      if (isClosed()) return resolve(false);
      const left = ms - (Date.now() - started);
      if (left <= 0) return resolve(true);
      setTimeout(tick, Math.min(step, left));
    };
    tick();
  });
}
