import { desc } from "drizzle-orm";
import type { Principal } from "@/core/auth/principal";
import type { CacheLock } from "@/core/cache/cache";
import type { AppDeps } from "@/core/context";
import { allOf, contains, orderByOf, within } from "@/core/db/query";
import { parseDateTime } from "@/core/http/datetime";
import { AppError, badRequest, notFound } from "@/core/http/errors";
import { pageOf } from "@/core/http/pagination";
import { hit, rateLimited } from "@/core/http/rate-limit";
import { extractAction } from "./chat.action";
import { systemPrompt } from "./chat.prompt";
import {
  aiConfigured,
  type ChatModel,
  describeModelError,
  type ModelMessage,
  modelErrorForLog,
  NOT_CONFIGURED_MSG,
  openAiCompatibleModel,
} from "./chat.provider";
import * as repo from "./chat.repo";
import type { ChatInput, ChatOut, SessionListQuery, SessionOut } from "./chat.schema";
import { runTool, toolSpecs } from "./chat.tools";

/*
 * The assistant's sessions belong to one user each: every read and write below is narrowed to
 * the caller, and another user's session answers exactly like a missing one (404).
 */

export const NEW_SESSION_TITLE = "新对话";
const SESSION_NOT_FOUND = "会话不存在";
/** Tool rounds per answer before the model must answer in words. */
const MAX_TOOL_ROUNDS = 4;

export { aiConfigured, NOT_CONFIGURED_MSG };

/**
 * Refuses every AI endpoint while no model is configured: a clear message, not a 404 or a 5xx
 * (the feature is off by choice; nothing failed).
 */
export function requireConfigured(deps: AppDeps) {
  if (!aiConfigured(deps.settings)) throw badRequest(NOT_CONFIGURED_MSG);
}

const unixSeconds = (text: string | null) => {
  const d = text ? parseDateTime(text) : null;
  return d ? Math.floor(d.getTime() / 1000) : null;
};

/** Upstream's session object (§9.1) from our rows; `full` adds every message and tool call. */
async function present(
  deps: AppDeps,
  owner: Principal,
  rows: repo.SessionRow[],
  full: boolean,
): Promise<SessionOut[]> {
  const ids = rows.map((r) => r.id);
  const deptIds = [...new Set(rows.map((r) => r.dept_id).filter((d): d is number => d !== null))];
  const [headers, names, messages] = await Promise.all([
    repo.runHeaders(deps.db, ids),
    repo.deptNames(deps.db, deptIds),
    full ? repo.sessionMessages(deps.db, ids) : Promise.resolve([]),
  ]);
  return rows.map((row) => {
    const runs = headers
      .filter((h) => h.session_id === row.id)
      .sort((a, b) => Number(a.first_id) - Number(b.first_id));
    const own = messages.filter((m) => m.session_id === row.id);
    const texts = own.filter((m) => (m.role === "user" || m.role === "assistant") && m.content !== "");
    const toMessage = (m: repo.MessageRow) => ({
      id: String(m.id),
      role: m.role,
      content: m.content,
      created_at: unixSeconds(m.created_time),
    });
    return {
      id: row.session_id,
      session_id: row.session_id,
      title: row.title,
      user_id: owner.username,
      team_id: row.dept_id === null ? null : String(row.dept_id),
      team_name: row.dept_id === null ? null : (names.get(row.dept_id) ?? null),
      agent_id: null,
      workflow_id: null,
      session_type: "team",
      session_data: { session_name: row.title },
      agent_data: null,
      team_data: null,
      workflow_data: null,
      metadata: null,
      summary: row.summary,
      runs: runs.map((h) => {
        const inRun = own.filter((m) => m.run_id === h.run_id);
        const last = inRun.filter((m) => m.role === "assistant").at(-1);
        return {
          run_id: h.run_id,
          status: full ? (last?.state ?? "pending") : "ok",
          created_at: unixSeconds(h.created_time),
          prompt_tokens: Number(h.prompt_tokens),
          completion_tokens: Number(h.completion_tokens),
          ...(full
            ? {
                messages: inRun
                  .filter((m) => (m.role === "user" || m.role === "assistant") && m.content !== "")
                  .map(toMessage),
                tools: inRun
                  .filter((m) => m.role === "tool")
                  .map((m) => ({
                    tool_call_id: m.tool_call_id,
                    tool_name: m.tool_name,
                    tool_args:
                      inRun.flatMap((a) => a.tool_calls ?? []).find((c) => c.id === m.tool_call_id)
                        ?.arguments ?? null,
                    result: m.content,
                  })),
              }
            : {}),
        };
      }),
      messages: texts.map(toMessage),
      message_count: runs.reduce((n, h) => n + Number(h.texts), 0),
      prompt_tokens: row.prompt_tokens,
      completion_tokens: row.completion_tokens,
      created_at: unixSeconds(row.created_time),
      updated_at: unixSeconds(row.updated_time),
      created_time: row.created_time,
      updated_time: row.updated_time,
    };
  });
}

/** The caller's sessions, most recently used first; list items carry run summaries, not messages. */
export async function listSessions(deps: AppDeps, p: Principal, q: SessionListQuery) {
  requireConfigured(deps);
  const { ai_chat_session: t } = deps.db.t;
  const where = allOf(
    contains(t.title, q.title),
    within(t.created_time, q.created_at),
    within(t.updated_time, q.updated_at),
  );
  // ties (sessions used within the same second) newest first
  const orderBy = [...orderByOf(t, q.order_by), desc(t.id)];
  const { rows, total } = await repo.pageSessions(deps.db, p.id, where, orderBy, q);
  return pageOf(await present(deps, p, rows, false), total, q);
}

async function ownSession(deps: AppDeps, p: Principal, sessionId: string) {
  const row = await repo.findSession(deps.db, p.id, sessionId);
  if (!row) throw notFound(SESSION_NOT_FOUND);
  return row;
}

export async function getSession(deps: AppDeps, p: Principal, sessionId: string): Promise<SessionOut> {
  requireConfigured(deps);
  const [out] = await present(deps, p, [await ownSession(deps, p, sessionId)], true);
  return out;
}

async function newSession(deps: AppDeps, p: Principal, title: string): Promise<repo.SessionRow> {
  const sessionId = crypto.randomUUID();
  await repo.insertSession(deps.db, { session_id: sessionId, user_id: p.id, dept_id: p.dept_id, title });
  const row = await repo.findSession(deps.db, p.id, sessionId);
  if (!row) throw new Error("session vanished after insert");
  return row;
}

export async function createSession(deps: AppDeps, p: Principal, title: string): Promise<SessionOut> {
  requireConfigured(deps);
  const [out] = await present(deps, p, [await newSession(deps, p, title)], true);
  return out;
}

export async function renameSession(deps: AppDeps, p: Principal, sessionId: string, title: string) {
  requireConfigured(deps);
  const row = await ownSession(deps, p, sessionId);
  await repo.renameSession(deps.db, row.id, title);
}

/** Deletes the caller's sessions; any id that is not theirs refuses the whole batch. */
export async function deleteSessions(deps: AppDeps, p: Principal, sessionIds: string[]) {
  requireConfigured(deps);
  const unique = [...new Set(sessionIds)];
  if (!unique.length) throw badRequest("删除失败，删除对象不能为空");
  const found = await repo.ownedSessionIds(deps.db, p.id, unique);
  if (found.length !== unique.length) throw notFound(SESSION_NOT_FOUND);
  await repo.deleteSessions(
    deps.db,
    found.map((f) => f.id),
  );
}

/* ---------- limits ---------- */

/** A limit the user met: REST answers it as an error, the WebSocket as one text frame. */
export class ChatRefusal extends Error {
  constructor(readonly error: AppError) {
    super(error.message);
  }
}

/** Size and rate of one message (each message counts, whichever way it came). */
export async function admitMessage(deps: AppDeps, p: Principal, message: string) {
  const { settings } = deps;
  if (!message.trim()) throw new ChatRefusal(badRequest("消息不能为空"));
  if (message.length > settings.AI_MAX_MESSAGE_CHARS) {
    throw new ChatRefusal(badRequest(`消息过长：最多 ${settings.AI_MAX_MESSAGE_CHARS} 个字符`));
  }
  const rate = await hit(deps.cache, `ai:${p.id}`, settings.AI_MESSAGES_PER_MINUTE, 60);
  if (!rate.allowed) {
    throw new ChatRefusal(rateLimited(rate.retryAfter, `发送过于频繁，请 ${rate.retryAfter} 秒后再试`));
  }
}

/**
 * One of the user's AI_MAX_STREAMS_PER_USER answer slots (cache locks, so every instance counts
 * the same streams); they expire on their own shortly after an answer's deadline.
 */
export async function acquireStreamSlot(deps: AppDeps, p: Principal): Promise<CacheLock> {
  const ttlMs = (deps.settings.AI_TIMEOUT_SECONDS + 30) * 1000;
  for (let slot = 0; slot < deps.settings.AI_MAX_STREAMS_PER_USER; slot++) {
    const lock = await deps.cache.lock(`ai_stream:${p.id}:${slot}`, ttlMs);
    if (lock) return lock;
  }
  throw new ChatRefusal(
    new AppError(
      "rate_limited",
      `同时进行的对话过多：最多 ${deps.settings.AI_MAX_STREAMS_PER_USER} 个，请等待当前回答结束`,
    ),
  );
}

/* ---------- one exchange ---------- */

export interface TurnResult {
  content: string;
  functionCalls: { name: string; arguments: Record<string, unknown> }[];
}

class DeadlineExceeded extends Error {}

const parseArguments = (text: string): Record<string, unknown> => {
  try {
    const v: unknown = JSON.parse(text || "{}");
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/**
 * One exchange: stores the user's message, sends the model the system prompt, the last
 * AI_CONTEXT_MESSAGES texts and the message, runs the tool calls it asks for (as the caller) and
 * streams the answer's text through `onText`. Everything is stored as it happens; an answer cut
 * short (socket closed, deadline, model failure) keeps what had arrived, marked as such.
 */
export async function runTurn(
  deps: AppDeps,
  p: Principal,
  session: repo.SessionRow,
  message: string,
  onText: (text: string) => void,
  cancel: AbortSignal,
  model: ChatModel = openAiCompatibleModel(deps.settings),
): Promise<TurnResult> {
  const { db, settings } = deps;
  const runId = crypto.randomUUID();
  const context = await repo.recentTexts(db, session.id, settings.AI_CONTEXT_MESSAGES);
  await repo.insertMessage(db, { session_id: session.id, run_id: runId, role: "user", content: message });
  const messages: ModelMessage[] = [
    { role: "system", content: systemPrompt(settings, p) },
    ...context.map((m) => ({ role: m.role as "user" | "assistant", content: m.content })),
    { role: "user", content: message },
  ];
  const tools = settings.AI_TOOLS_ENABLE ? toolSpecs : [];
  const functionCalls: TurnResult["functionCalls"] = [];
  let promptTokens = 0;
  let completionTokens = 0;
  let streamed = "";

  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DeadlineExceeded()), settings.AI_TIMEOUT_SECONDS * 1000);
  const signal = AbortSignal.any([cancel, deadline.signal]);
  try {
    for (let round = 0; ; round++) {
      streamed = "";
      const last = round >= MAX_TOOL_ROUNDS;
      const r = await model.round(
        messages,
        last ? [] : tools,
        (text) => {
          streamed += text;
          onText(text);
        },
        signal,
      );
      promptTokens += r.promptTokens ?? 0;
      completionTokens += r.completionTokens ?? 0;
      const base = {
        session_id: session.id,
        run_id: runId,
        role: "assistant",
        content: r.content,
        prompt_tokens: r.promptTokens,
        completion_tokens: r.completionTokens,
      };
      if (!r.toolCalls.length || last) {
        await repo.insertMessage(db, base);
        return { content: r.content, functionCalls };
      }
      await repo.insertMessage(db, { ...base, tool_calls: r.toolCalls });
      messages.push({ role: "assistant", content: r.content, tool_calls: r.toolCalls });
      for (const call of r.toolCalls) {
        if (signal.aborted) throw signal.reason;
        const { result } = await runTool(deps, p, call.name, call.arguments);
        await repo.insertMessage(db, {
          session_id: session.id,
          run_id: runId,
          role: "tool",
          content: result,
          tool_call_id: call.id.slice(0, 64),
          tool_name: call.name.slice(0, 64),
        });
        messages.push({ role: "tool", content: result, tool_call_id: call.id });
        functionCalls.push({ name: call.name, arguments: parseArguments(call.arguments) });
      }
    }
  } catch (err) {
    const cancelled = cancel.aborted;
    await repo
      .insertMessage(db, {
        session_id: session.id,
        run_id: runId,
        role: "assistant",
        content: streamed,
        state: cancelled ? "cancelled" : "error",
      })
      .catch((e) => deps.logger.error("storing an interrupted AI answer failed", { err: e }));
    if (cancelled) throw new TurnCancelled();
    const timedOut = deadline.signal.aborted;
    if (!timedOut) {
      deps.logger.warn("AI model call failed", {
        error: modelErrorForLog(err, settings.AI_API_KEY),
        session_id: session.session_id,
      });
    }
    throw new TurnFailed(timedOut ? "模型服务响应超时" : describeModelError(err));
  } finally {
    clearTimeout(timer);
    await repo
      .touchSession(db, session.id, promptTokens, completionTokens)
      .catch((e) => deps.logger.error("updating an AI session failed", { err: e }));
  }
}

/** The answer was cut off because its asker went away. */
export class TurnCancelled extends Error {}

/** The model could not answer; the message is fit for the user. */
export class TurnFailed extends Error {}

export const apology = (reason: string) => `抱歉，处理您的请求时出现错误：${reason}`;

/** The session a message goes to: the caller's own, or a new "新对话" when none is named. */
export async function sessionForMessage(deps: AppDeps, p: Principal, sessionId: string | null | undefined) {
  if (!sessionId) return newSession(deps, p, NEW_SESSION_TITLE);
  return ownSession(deps, p, sessionId);
}

/** `POST /ai-chat`: the whole answer at once, with §9.2's `action`. */
export async function chatOnce(deps: AppDeps, p: Principal, input: ChatInput): Promise<ChatOut> {
  requireConfigured(deps);
  let slot: CacheLock;
  try {
    await admitMessage(deps, p, input.message);
    slot = await acquireStreamSlot(deps, p);
  } catch (err) {
    throw err instanceof ChatRefusal ? err.error : err;
  }
  let session: repo.SessionRow;
  try {
    session = await sessionForMessage(deps, p, input.session_id);
  } catch (err) {
    await slot.release();
    throw err;
  }
  try {
    const result = await runTurn(deps, p, session, input.message, () => {}, new AbortController().signal);
    return {
      response: result.content,
      session_id: session.session_id,
      function_calls: result.functionCalls.length ? result.functionCalls : null,
      action: extractAction(result.content),
    };
  } catch (err) {
    if (!(err instanceof TurnFailed)) throw err;
    return {
      response: apology(err.message),
      session_id: session.session_id,
      function_calls: null,
      action: null,
    };
  } finally {
    await slot.release();
  }
}
