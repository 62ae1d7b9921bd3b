import type { Context } from "hono";
import type { WSContext, WSEvents } from "hono/ws";
import { z } from "zod";
import { authenticateToken, hasPermission } from "@/core/auth/guard";
import type { AppEnv, AuthContext } from "@/core/context";
import { fail } from "@/core/http/envelope";
import { AppError, forbidden, unauthenticated } from "@/core/http/errors";
import {
  acquireStreamSlot,
  admitMessage,
  aiConfigured,
  apology,
  ChatRefusal,
  NOT_CONFIGURED_MSG,
  runTurn,
  sessionForMessage,
  TurnCancelled,
  TurnFailed,
} from "./chat.service";

/*
 * `GET /api/v1/ai/chat/ws?token=<access JWT>`: the SPA's chat socket (contract §9.3). The SPA
 * appends every text frame to the assistant's bubble, so the server sends nothing but the
 * answer's text; a refusal or error is one readable text frame. The token comes in the query
 * (browsers cannot set headers on a WebSocket) and is checked like a bearer token, at the
 * handshake and again for every message; it is never logged (the access log records the path
 * only). A plain HTTP request gets the checks of any guarded route, then 426.
 */

export const CHAT_PERMISSION = "module_ai:chat:query";

const NO_TOKEN_MSG = "未提供认证token，请重新登录";
const BAD_JSON_MSG = "消息格式错误，请发送JSON格式的消息";
const BUSY_MSG = "上一条消息仍在回答中，请稍候";
/** Messages a socket holds: the one being answered and one waiting its turn. */
const MAX_QUEUED = 2;

const incoming = z.object({
  message: z.string({ error: "message 必须是字符串" }),
  session_id: z.string().max(64).nullish(),
  files: z.unknown().optional(),
});

/** The token as the SPA sends it (`?token=`, with or without `Bearer `), else the header. */
function tokenOf(c: Context<AppEnv>): string | null {
  const raw = c.req.query("token") ?? c.req.header("authorization") ?? "";
  const token = raw.trim().replace(/^bearer\s+/i, "");
  return token || null;
}

/** Every check of a guarded route; throws the same 401/403 errors. */
async function authorize(c: Context<AppEnv>, token: string | null): Promise<AuthContext> {
  if (!token) throw unauthenticated("认证失败,请登录后再试");
  const auth = await authenticateToken(c.get("deps"), token);
  if (!hasPermission(auth.principal, [CHAT_PERMISSION])) throw forbidden();
  return auth;
}

/** What the client is told when the checks fail; anything but a refusal is also logged. */
function refusalText(c: Context<AppEnv>, err: unknown): string {
  if (err instanceof AppError) return `错误: ${err.message}`;
  c.get("logger").error("AI chat socket: checking the token failed", { err });
  return "错误: 认证失败";
}

export async function chatSocket(c: Context<AppEnv>): Promise<Response> {
  const deps = c.get("deps");
  const token = tokenOf(c);
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
    c.set("auth", await authorize(c, token));
    if (!aiConfigured(deps.settings)) return fail(c, 400, -1, NOT_CONFIGURED_MSG);
    return fail(c, 426, -1, "请使用 WebSocket 连接此地址 (ws:// 或 wss://)");
  }
  if (!deps.upgradeWebSocket) return fail(c, 501, -1, "当前运行环境不支持 WebSocket");

  // Decided before the handshake; told in the first frame, as the SPA expects.
  let refusal: string | null = null;
  let auth: AuthContext | null = null;
  if (!token) refusal = NO_TOKEN_MSG;
  else {
    try {
      auth = await authorize(c, token);
      c.set("auth", auth);
    } catch (err) {
      refusal = refusalText(c, err);
    }
  }
  if (!refusal && !aiConfigured(deps.settings)) refusal = NOT_CONFIGURED_MSG;

  const logger = c.get("logger");
  let closed = false;
  let queued = 0;
  let queue: Promise<void> = Promise.resolve();
  let told = false;
  const inFlight = new AbortController();

  const send = (ws: WSContext, text: string) => {
    if (closed || !text) return;
    try {
      ws.send(text);
    } catch {
      // the peer went away between frames; onClose cancels the rest
    }
  };
  const refuse = (ws: WSContext, text: string) => {
    if (told) return;
    told = true;
    send(ws, text);
    ws.close(1000, "");
  };

  const events: WSEvents = {
    onOpen(_evt, ws) {
      if (refusal) refuse(ws, refusal);
    },
    async onMessage(evt, ws) {
      if (refusal) return refuse(ws, refusal);
      if (typeof evt.data !== "string") return send(ws, BAD_JSON_MSG);
      if (evt.data.length > deps.settings.AI_MAX_MESSAGE_CHARS * 6 + 1024) {
        return send(ws, `消息过长：最多 ${deps.settings.AI_MAX_MESSAGE_CHARS} 个字符`);
      }
      let body: unknown;
      try {
        body = JSON.parse(evt.data);
      } catch {
        return send(ws, BAD_JSON_MSG);
      }
      const parsed = incoming.safeParse(body);
      if (!parsed.success)
        return send(ws, `处理消息时出错: ${parsed.error.issues[0]?.message ?? "格式错误"}`);
      // One answer at a time per socket: a message sent as the last one ends waits its turn.
      if (queued >= MAX_QUEUED) return send(ws, BUSY_MSG);
      queued++;
      const turn = queue.then(() => answer(ws, parsed.data));
      queue = turn.finally(() => {
        queued--;
      });
      await queue;
    },
    onClose() {
      closed = true;
      inFlight.abort();
    },
    onError() {
      closed = true;
      inFlight.abort();
    },
  };

  async function answer(ws: WSContext, message: z.infer<typeof incoming>) {
    if (closed) return;
    try {
      // The session may have ended (logout, kick, disabled user) since the handshake.
      try {
        auth = await authorize(c, token);
      } catch (err) {
        return refuse(ws, refusalText(c, err));
      }
      const p = auth.principal;
      await admitMessage(deps, p, message.message);
      const slot = await acquireStreamSlot(deps, p);
      try {
        const session = await sessionForMessage(deps, p, message.session_id);
        await runTurn(deps, p, session, message.message, (text) => send(ws, text), inFlight.signal);
      } finally {
        await slot.release();
      }
    } catch (err) {
      if (err instanceof TurnCancelled) return;
      if (err instanceof ChatRefusal) return send(ws, err.message);
      if (err instanceof TurnFailed) return send(ws, apology(err.message));
      if (err instanceof AppError) return send(ws, apology(err.message));
      logger.error("AI chat socket failed", { err });
      send(ws, apology("服务器内部错误"));
    }
  }

  return deps.upgradeWebSocket(c, events);
}
