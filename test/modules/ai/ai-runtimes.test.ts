import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createContext, type E2EContext } from "../../e2e/steps";
import {
  bunPrerequisites,
  type E2ERuntime,
  startBunRuntime,
  startWorkerRuntime,
  workerPrerequisites,
} from "../../e2e/support/runtimes";
import { connect } from "./support/ai-app";
import { type FakeOpenAI, startFakeOpenAI } from "./support/fake-openai";

/*
 * The assistant end to end on both runtimes, as they are started for real: `bun run
 * src/entry/bun.ts` (hono/bun's WebSocket wired into Bun.serve) and the Worker under workerd
 * (`wrangler dev`, the WebSocketPair upgrader), each pointed at the local fake model server.
 * REST, then one streamed exchange over the socket, then the logs (no token in them).
 */

const API_KEY = "sk-e2e-fake-key-0123456789";

async function defineAiSuite(
  label: string,
  prerequisites: () => Promise<string | null>,
  start: (env: Record<string, string>) => Promise<E2ERuntime>,
) {
  const problem = await prerequisites();
  if (problem) {
    // like test/e2e/suite.ts: skipped with the reason locally, a failure in CI
    if (process.env.CI && process.env.CI !== "false") {
      test(`${label}: prerequisites`, () => {
        throw new Error(`${label} cannot run on this machine: ${problem}`);
      });
    } else {
      console.warn(`skipping ${label}: ${problem}`);
    }
    return;
  }

  describe(label, () => {
    let fake: FakeOpenAI;
    let ctx: E2EContext | undefined;
    let startError: unknown;
    let token = "";
    beforeAll(async () => {
      fake = startFakeOpenAI();
      try {
        ctx = createContext(
          await start({ AI_BASE_URL: fake.url, AI_MODEL: "fake-model", AI_API_KEY: API_KEY }),
        );
        token = (await ctx.tokensFor("admin")).access_token;
      } catch (err) {
        startError = err;
      }
    }, 120_000);
    afterAll(async () => {
      await ctx?.rt.stop();
      await fake?.stop();
    }, 30_000);
    const started = () => {
      if (!ctx) throw new Error(`${label} did not start: ${(startError as Error)?.message ?? startError}`);
      return ctx;
    };

    test("REST: create a session, chat in it, read it back", async () => {
      const { api } = started();
      const created = await api("POST", "/ai/chat/create", { token, json: { title: "端到端" } });
      expect(created.body).toMatchObject({ code: 0, data: { title: "端到端" } });
      const id = created.body.data.id;
      fake.script({ kind: "text", chunks: ["边缘", "也能", "回答"] });
      const chat = await api("POST", "/ai/chat/ai-chat", {
        token,
        json: { message: "你好", session_id: id },
      });
      expect(chat.body.data).toMatchObject({ response: "边缘也能回答", session_id: id });
      expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${API_KEY}`);
      const detail = await api("GET", `/ai/chat/detail/${id}`, { token });
      expect(detail.body.data.message_count).toBe(2);
    }, 30_000);

    test("WebSocket: one exchange streamed in several frames, the socket kept open", async () => {
      const { rt } = started();
      const s = connect(`${rt.baseUrl.replace(/^http/, "ws")}/api/v1/ai/chat/ws?token=${token}`);
      await s.opened;
      fake.script({ kind: "text", chunks: ["一", "二", "三"], delayMs: 20 });
      s.send({ message: "数数", session_id: null, files: null });
      expect(await s.waitForText("一二三", 20_000)).toBe("一二三");
      expect(s.frames).toEqual(["一", "二", "三"]);
      expect(s.isClosed()).toBe(false);
      s.ws.close();
      // a refused handshake is told in one frame, then closed
      const anon = connect(`${rt.baseUrl.replace(/^http/, "ws")}/api/v1/ai/chat/ws`);
      await anon.closed;
      expect(anon.frames).toEqual(["未提供认证token，请重新登录"]);
    }, 30_000);

    test("cancellation: closing the socket aborts the model's stream", async () => {
      const { rt } = started();
      const s = connect(`${rt.baseUrl.replace(/^http/, "ws")}/api/v1/ai/chat/ws?token=${token}`);
      await s.opened;
      const aborts = fake.aborted();
      fake.script({ kind: "stall", chunks: ["开始了"] });
      s.send({ message: "说个不停", session_id: null });
      await s.waitForText("开始了", 20_000);
      s.ws.close();
      await fake.waitForAborts(aborts + 1, 20_000);
    }, 30_000);

    test("the token in the socket's URL is in no log line", async () => {
      const { rt } = started();
      await Bun.sleep(500); // log output is asynchronous
      const lines = rt.logs();
      expect(lines.some((l) => l.path === "/api/v1/ai/chat/ws")).toBe(true);
      const text = JSON.stringify(lines);
      expect(text).not.toContain(token.split(".")[2]);
      expect(text).not.toContain(API_KEY);
    }, 30_000);
  });
}

await defineAiSuite("AI assistant · Bun server", bunPrerequisites, startBunRuntime);
await defineAiSuite("AI assistant · Worker under workerd", workerPrerequisites, startWorkerRuntime);
