/**
 * A local OpenAI-compatible chat-completions server for the AI tests: `POST /v1/chat/completions`
 * with `stream: true` answers Server-Sent Events like the real API. Each request takes the next
 * scripted reply (else it echoes the last user message in three chunks): text in chunks, tool
 * calls, an HTTP failure, or a stall (some chunks, then nothing until the client goes away).
 */
import type { Server } from "bun";

export type Reply =
  | { kind: "text"; chunks: string[]; delayMs?: number }
  | { kind: "tool"; calls: { name: string; arguments: string }[] }
  | { kind: "fail"; status: number; message?: string }
  | { kind: "stall"; chunks?: string[] };

export interface RecordedRequest {
  body: any;
  headers: Record<string, string>;
}

export interface FakeOpenAI {
  /** `http://127.0.0.1:PORT/v1` — the AI_BASE_URL */
  url: string;
  requests: RecordedRequest[];
  /** How many streamed answers the client abandoned before their end (cancellations seen). */
  aborted(): number;
  /** Replies for the next requests, in order. */
  script(...replies: Reply[]): void;
  /** Resolves when `n` requests have arrived. */
  waitForRequests(n: number, timeoutMs?: number): Promise<void>;
  /** Resolves when `n` aborts have been seen. */
  waitForAborts(n: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const encoder = new TextEncoder();
const sse = (data: unknown) =>
  encoder.encode(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);

const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: "chatcmpl-fake",
  object: "chat.completion.chunk",
  created: Math.floor(Date.now() / 1000),
  model: "fake-model",
  choices: [{ index: 0, delta, finish_reason: finish }],
});

const usage = (prompt: number, completion: number) => ({
  id: "chatcmpl-fake",
  object: "chat.completion.chunk",
  created: Math.floor(Date.now() / 1000),
  model: "fake-model",
  choices: [],
  usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs: number, what: string) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`fake OpenAI: timed out waiting for ${what}`);
    await sleep(10);
  }
}

export function startFakeOpenAI(): FakeOpenAI {
  const queue: Reply[] = [];
  const requests: RecordedRequest[] = [];
  let aborts = 0;

  const server: Server<undefined> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (req.method !== "POST" || url.pathname !== "/v1/chat/completions") {
        return Response.json({ error: { message: "not found" } }, { status: 404 });
      }
      const body = await req.json();
      requests.push({ body, headers: Object.fromEntries(req.headers) });
      const lastUser = [...(body.messages as { role: string; content: string }[])]
        .reverse()
        .find((m) => m.role === "user");
      const reply: Reply = queue.shift() ?? {
        kind: "text",
        chunks: ["收到：", String(lastUser?.content ?? ""), "。"],
      };
      if (reply.kind === "fail") {
        return Response.json(
          { error: { message: reply.message ?? "upstream failure", type: "server_error" } },
          { status: reply.status },
        );
      }
      let finished = false;
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          const abort = () => {
            if (!finished) aborts++;
            finished = true;
          };
          req.signal.addEventListener("abort", abort);
          try {
            if (reply.kind === "text") {
              controller.enqueue(sse(chunk({ role: "assistant", content: "" })));
              for (const piece of reply.chunks) {
                if (reply.delayMs) await sleep(reply.delayMs);
                if (finished) return;
                controller.enqueue(sse(chunk({ content: piece })));
              }
              controller.enqueue(sse(chunk({}, "stop")));
              controller.enqueue(sse(usage(11, reply.chunks.length)));
            } else if (reply.kind === "tool") {
              controller.enqueue(sse(chunk({ role: "assistant", content: null })));
              reply.calls.forEach((call, index) => {
                const half = Math.floor(call.arguments.length / 2);
                controller.enqueue(
                  sse(
                    chunk({
                      tool_calls: [
                        {
                          index,
                          id: `call_${index}_${requests.length}`,
                          type: "function",
                          function: { name: call.name, arguments: call.arguments.slice(0, half) },
                        },
                      ],
                    }),
                  ),
                );
                controller.enqueue(
                  sse(
                    chunk({ tool_calls: [{ index, function: { arguments: call.arguments.slice(half) } }] }),
                  ),
                );
              });
              controller.enqueue(sse(chunk({}, "tool_calls")));
              controller.enqueue(sse(usage(7, 3)));
            } else {
              controller.enqueue(sse(chunk({ role: "assistant", content: "" })));
              for (const piece of reply.chunks ?? []) controller.enqueue(sse(chunk({ content: piece })));
              // stall: nothing more until the client goes away
              await until(() => finished, 600_000, "the client to go away").catch(() => {});
              return;
            }
            controller.enqueue(sse("[DONE]"));
            finished = true;
            controller.close();
          } catch {
            // the client went away while we wrote
          }
        },
        cancel() {
          if (!finished) aborts++;
          finished = true;
        },
      });
      return new Response(stream, {
        headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" },
      });
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}/v1`,
    requests,
    aborted: () => aborts,
    script: (...replies) => {
      queue.push(...replies);
    },
    waitForRequests: (n, timeoutMs = 10_000) => until(() => requests.length >= n, timeoutMs, `${n} requests`),
    waitForAborts: (n, timeoutMs = 10_000) => until(() => aborts >= n, timeoutMs, `${n} aborts`),
    stop: async () => {
      await server.stop(true);
    },
  };
}
