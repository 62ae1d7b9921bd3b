import type { Settings } from "@/config";
import type { Logger } from "@/core/log/logger";

/** One recovery code on its way to a user, out of band (SMS gateway, mailer, chat bot …). */
export interface RecoveryMessage {
  /** how the receiving side should deliver it: `sms` to a mobile number */
  channel: "sms";
  /** the address on file (the account's mobile) */
  to: string;
  username: string;
  code: string;
  /** seconds the code stays valid */
  expires_in: number;
}

/** Delivers recovery codes. Throws when delivery failed (the caller logs it, the client is not told). */
export interface RecoverySender {
  readonly kind: "webhook" | "log";
  send(message: RecoveryMessage): Promise<void>;
}

const WEBHOOK_TIMEOUT_MS = 5000;

/**
 * POSTs the message as JSON to `url` (your SMS/mail relay). Uses only `fetch`, so it runs on Bun
 * and on workerd alike; a non-2xx answer or a timeout is a failed delivery.
 */
export function createWebhookSender(url: string, fetcher: typeof fetch = fetch): RecoverySender {
  return {
    kind: "webhook",
    async send(message) {
      const res = await fetcher(url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      // drain the body so the connection can be reused
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`recovery webhook answered HTTP ${res.status}`);
    },
  };
}

/** Development only (config refuses it in prod): the code goes to the server log at warn level. */
export function createLogSender(logger: Logger): RecoverySender {
  return {
    kind: "log",
    async send(message) {
      logger.warn("password recovery code (RECOVERY_SENDER=log: development only)", { ...message });
    },
  };
}

/** The sender the settings choose; null when none is configured (recovery is then unavailable). */
export function recoverySenderFor(
  settings: Pick<Settings, "RECOVERY_SENDER" | "RECOVERY_WEBHOOK_URL" | "ENVIRONMENT">,
  logger: Logger,
): RecoverySender | null {
  if (settings.RECOVERY_SENDER === "webhook" && settings.RECOVERY_WEBHOOK_URL)
    return createWebhookSender(settings.RECOVERY_WEBHOOK_URL);
  if (settings.RECOVERY_SENDER === "log" && settings.ENVIRONMENT !== "prod") return createLogSender(logger);
  return null;
}
