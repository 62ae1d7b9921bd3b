import type { UpgradeWebSocket, WSEvents } from "hono/ws";
import { defineWebSocketHelper, WSContext } from "hono/ws";

/*
 * WebSockets on workerd for `AppDeps.upgradeWebSocket`. Hono's `hono/cloudflare-workers` helper
 * accepts the socket but never calls `onOpen` (workerd's server end has no open event), and the
 * AI chat answers a refused handshake in its first frame, from `onOpen`. So this is that helper
 * with the open event added right after `accept()`; everything else is as Hono does it.
 */

interface WorkerSocket {
  accept(): void;
  send(data: string | ArrayBuffer | Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "message" | "close" | "error", listener: (evt: never) => void): void;
  readonly readyState: number;
  readonly url: string | null;
  readonly protocol: string | null;
}

declare const WebSocketPair: { new (): { 0: WorkerSocket; 1: WorkerSocket } };

export const workerUpgradeWebSocket: UpgradeWebSocket = defineWebSocketHelper(async (c, events: WSEvents) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") return;
  const pair = new WebSocketPair();
  const client = pair[0];
  const server = pair[1];
  const ws = new WSContext({
    send: (data) => server.send(data),
    close: (code, reason) => server.close(code, reason),
    get readyState() {
      return server.readyState as 0 | 1 | 2 | 3;
    },
    get protocol() {
      return server.protocol;
    },
    url: server.url ? new URL(server.url) : null,
    raw: server,
  });
  if (events.onMessage) server.addEventListener("message", (evt) => events.onMessage?.(evt, ws));
  if (events.onClose) server.addEventListener("close", (evt) => events.onClose?.(evt, ws));
  if (events.onError) server.addEventListener("error", (evt) => events.onError?.(evt, ws));
  server.accept();
  // Frames sent now are delivered once the client has the socket.
  events.onOpen?.(new Event("open"), ws);
  return new Response(null, { status: 101, webSocket: client } as ResponseInit);
});
