import type { Server } from "bun";
import { type BunWebSocketData, upgradeWebSocket, websocket } from "hono/bun";
import type { Settings } from "@/config";
import { createTestApp, type TestApp } from "../../../support/app";
import type { FakeOpenAI } from "./fake-openai";

/** Settings pointing the assistant at the fake server. */
export const aiSettings = (fake: FakeOpenAI, extra: Partial<Record<keyof Settings, string>> = {}) => ({
  AI_BASE_URL: fake.url,
  AI_MODEL: "fake-model",
  AI_API_KEY: "sk-fake-secret-key-0123456789",
  ...extra,
});

export interface ServedApp extends TestApp {
  /** `ws://127.0.0.1:PORT` */
  wsBase: string;
  httpBase: string;
}

/** The test app behind a real Bun.serve with hono/bun's WebSocket support, as the Bun entry runs it. */
export async function createServedApp(
  overrides: Partial<Record<keyof Settings, string>> = {},
): Promise<ServedApp> {
  const t = await createTestApp(overrides, { upgradeWebSocket });
  const server: Server<BunWebSocketData> = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (req, srv) => t.app.fetch(req, { clientIp: "127.0.0.1", server: srv }),
    websocket,
  });
  return {
    ...t,
    wsBase: `ws://127.0.0.1:${server.port}`,
    httpBase: `http://127.0.0.1:${server.port}`,
    async close() {
      await server.stop(true);
      await t.close();
    },
  };
}

export interface SocketClient {
  ws: WebSocket;
  frames: string[];
  closed: Promise<{ code: number }>;
  isClosed(): boolean;
  opened: Promise<void>;
  send(body: unknown): void;
  /** Resolves when at least `n` frames arrived. */
  waitForFrames(n: number, timeoutMs?: number): Promise<string[]>;
  /** Resolves when the frames joined so far contain `text`. */
  waitForText(text: string, timeoutMs?: number): Promise<string>;
}

export function connect(url: string): SocketClient {
  const ws = new WebSocket(url);
  const frames: string[] = [];
  let isClosed = false;
  const closed = new Promise<{ code: number }>((resolve) => {
    ws.addEventListener("close", (e) => {
      isClosed = true;
      resolve({ code: e.code });
    });
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.addEventListener("open", () => resolve());
    ws.addEventListener("error", () => reject(new Error("socket error")));
  });
  ws.addEventListener("message", (e) => frames.push(String(e.data)));
  const until = async (check: () => boolean, timeoutMs: number, what: string) => {
    const end = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > end)
        throw new Error(`timed out waiting for ${what}; frames: ${JSON.stringify(frames)}`);
      await Bun.sleep(10);
    }
  };
  return {
    ws,
    frames,
    closed,
    opened,
    isClosed: () => isClosed,
    send: (body) => ws.send(typeof body === "string" ? body : JSON.stringify(body)),
    async waitForFrames(n, timeoutMs = 10_000) {
      await until(() => frames.length >= n, timeoutMs, `${n} frames`);
      return frames;
    },
    async waitForText(text, timeoutMs = 10_000) {
      await until(() => frames.join("").includes(text), timeoutMs, `"${text}"`);
      return frames.join("");
    },
  };
}
