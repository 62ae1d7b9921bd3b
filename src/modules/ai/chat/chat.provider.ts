import type OpenAI from "openai";
import type { Settings } from "@/config";

/*
 * The one place that talks to the model: any OpenAI-compatible chat-completions endpoint, through
 * the official `openai` client (no dependencies of its own; fetch-based, so the same code runs on
 * Bun and on workerd). Everything else in the module speaks the small neutral types below.
 */

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text, as the model wrote it */
  arguments: string;
}

export type ModelMessage =
  | { role: "system" | "user"; content: string }
  | { role: "assistant"; content: string; tool_calls?: ToolCall[] }
  | { role: "tool"; content: string; tool_call_id: string };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object */
  parameters: Record<string, unknown>;
}

/** What one model round produced: text (also streamed through `onText`), tool calls, token usage. */
export interface RoundResult {
  content: string;
  toolCalls: ToolCall[];
  promptTokens: number | null;
  completionTokens: number | null;
}

export interface ChatModel {
  /** Streams one round; `onText` gets each piece of text as it arrives. Throws on abort/failure. */
  round(
    messages: ModelMessage[],
    tools: ToolSpec[],
    onText: (text: string) => void,
    signal: AbortSignal,
  ): Promise<RoundResult>;
}

/** Whether the assistant is configured: an endpoint and a model name (a key is optional: Ollama). */
export const aiConfigured = (s: Settings) => s.AI_BASE_URL !== "" && s.AI_MODEL !== "";

export const NOT_CONFIGURED_MSG = "AI 助手未配置：请管理员设置 AI_BASE_URL 和 AI_MODEL";

/**
 * `openai` is loaded on first use: its ~240 modules cost a server several MB of memory, and most
 * servers never talk to a model. `loadedOpenAI` is set once it has loaded: an error can only be
 * one of its classes if the client (hence the module) was loaded first.
 */
let openAIModule: Promise<typeof OpenAI> | undefined;
let loadedOpenAI: typeof OpenAI | undefined;
function loadOpenAI(): Promise<typeof OpenAI> {
  openAIModule ??= import("openai").then(
    (m) => (loadedOpenAI = m.default),
    (err) => {
      openAIModule = undefined;
      throw err;
    },
  );
  return openAIModule;
}

const clients = new WeakMap<Settings, OpenAI>();

async function clientFor(s: Settings): Promise<OpenAI> {
  let client = clients.get(s);
  if (!client) {
    const OpenAIClient = await loadOpenAI();
    // Another round may have created it while this one waited for the module.
    client = clients.get(s);
    if (client) return client;
    client = new OpenAIClient({
      baseURL: s.AI_BASE_URL,
      // Gateways without keys (Ollama, vLLM) ignore the header; the client requires a value.
      apiKey: s.AI_API_KEY || "none",
      // Never taken from the process environment: settings are the only source.
      organization: null,
      project: null,
      webhookSecret: null,
      // The client's own request logging (OPENAI_LOG) stays off: our logger decides what is written.
      logLevel: "off",
      // Our own deadline (AbortSignal) covers the whole answer, streaming included.
      timeout: s.AI_TIMEOUT_SECONDS * 1000,
      maxRetries: 0,
    });
    clients.set(s, client);
  }
  return client;
}

export function openAiCompatibleModel(s: Settings): ChatModel {
  return {
    async round(messages, tools, onText, signal) {
      const client = await clientFor(s);
      const stream = await client.chat.completions.create(
        {
          model: s.AI_MODEL,
          messages: messages.map(toWire),
          temperature: s.AI_TEMPERATURE,
          max_tokens: s.AI_MAX_TOKENS,
          stream: true,
          stream_options: { include_usage: true },
          ...(tools.length
            ? {
                tools: tools.map((t) => ({
                  type: "function" as const,
                  function: { name: t.name, description: t.description, parameters: t.parameters },
                })),
              }
            : {}),
        },
        { signal },
      );
      let content = "";
      const calls = new Map<number, ToolCall>();
      let promptTokens: number | null = null;
      let completionTokens: number | null = null;
      for await (const chunk of stream) {
        if (chunk.usage) {
          promptTokens = chunk.usage.prompt_tokens ?? null;
          completionTokens = chunk.usage.completion_tokens ?? null;
        }
        const delta = chunk.choices?.[0]?.delta;
        if (!delta) continue;
        if (delta.content) {
          content += delta.content;
          onText(delta.content);
        }
        for (const part of delta.tool_calls ?? []) {
          const call = calls.get(part.index) ?? { id: "", name: "", arguments: "" };
          if (part.id) call.id = part.id;
          if (part.function?.name) call.name += part.function.name;
          if (part.function?.arguments) call.arguments += part.function.arguments;
          calls.set(part.index, call);
        }
      }
      // The client ends the iteration quietly when the signal aborts: a cut-off answer is not an answer.
      if (signal.aborted) throw signal.reason ?? new Error("aborted");
      const toolCalls = [...calls.entries()]
        .sort(([a], [b]) => a - b)
        .map(([i, c]) => ({ ...c, id: c.id || `call_${i}` }))
        .filter((c) => c.name !== "");
      return { content, toolCalls, promptTokens, completionTokens };
    },
  };
}

function toWire(m: ModelMessage): OpenAI.Chat.Completions.ChatCompletionMessageParam {
  if (m.role === "assistant") {
    return {
      role: "assistant",
      content: m.content,
      ...(m.tool_calls?.length
        ? {
            tool_calls: m.tool_calls.map((c) => ({
              id: c.id,
              type: "function" as const,
              function: { name: c.name, arguments: c.arguments },
            })),
          }
        : {}),
    };
  }
  return m;
}

/**
 * A failure as the user may read it: the kind of problem, never the endpoint's own text (which
 * can echo the key or internal addresses). The full error goes to the server log.
 */
export function describeModelError(err: unknown): string {
  const OpenAI = loadedOpenAI;
  if (!OpenAI) return "模型服务出错";
  if (err instanceof OpenAI.APIConnectionTimeoutError) return "模型服务响应超时";
  if (err instanceof OpenAI.APIConnectionError) return "无法连接模型服务";
  if (err instanceof OpenAI.APIError && typeof err.status === "number") {
    if (err.status === 401 || err.status === 403)
      return `模型服务拒绝了访问 (HTTP ${err.status})，请检查 AI_API_KEY`;
    if (err.status === 404) return "模型服务找不到该模型或地址 (HTTP 404)，请检查 AI_MODEL 和 AI_BASE_URL";
    if (err.status === 429) return "模型服务繁忙或额度不足 (HTTP 429)";
    return `模型服务返回错误 (HTTP ${err.status})`;
  }
  return "模型服务出错";
}

/**
 * A model failure as a log field: name, HTTP status and message, with the key masked (an
 * endpoint may echo the key it was sent in its error text), in the stack too.
 */
export function modelErrorForLog(err: unknown, apiKey: string): Record<string, unknown> {
  const masked = (text: string) => (apiKey ? text.split(apiKey).join("******") : text);
  if (!(err instanceof Error)) return { message: masked(String(err)) };
  const { status } = err as { status?: unknown };
  return {
    name: err.name,
    ...(typeof status === "number" ? { status } : {}),
    message: masked(err.message),
    stack: err.stack ? masked(err.stack) : undefined,
  };
}
