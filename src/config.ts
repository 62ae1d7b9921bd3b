import { z } from "zod";

/**
 * The development key earlier versions shipped in `.env.example`: public, so refused everywhere.
 * Without SECRET_KEY, dev/test entries generate a random key (kept in `./data/secret.key`);
 * production refuses to start.
 */
export const DEV_SECRET_KEY = "dev-only-secret-change-me-0123456789abcdef";

/** `TRUSTED_PROXIES`: a hop count (`1`) or a CIDR/IP list (`10.0.0.0/8,::1`). */
const trustedProxies = z
  .string()
  .regex(
    /^(\d{1,2}|[0-9a-fA-F:.]+(\/\d{1,3})?(\s*,\s*[0-9a-fA-F:.]+(\/\d{1,3})?)*)$/,
    "a hop count (e.g. 1) or a comma-separated list of proxy IPs/CIDRs",
  );

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"])
  .transform((v) => ["true", "1", "yes", "on"].includes(v));
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const list = z.string().transform((v) =>
  v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean),
);

/** Documents, archives and media an admin stores (the avatar upload keeps only the images). */
export const DEFAULT_ALLOWED_EXTENSIONS =
  ".pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.odt,.ods,.txt,.csv,.md,.rtf," +
  ".zip,.7z,.tar,.gz," +
  ".png,.jpg,.jpeg,.gif,.webp,.bmp,.ico,.svg,.mp3,.mp4,.wav,.webm";

/**
 * Every setting, with its default. The README's settings table and `.env.example` mirror this
 * object; a test keeps the three in step.
 */
export const settingsSchema = z
  .object({
    ENVIRONMENT: z.enum(["dev", "test", "prod"]).default("dev"),
    SERVER_HOST: z.string().min(1).default("127.0.0.1"),
    SERVER_PORT: int(0, 65535).default(8001),
    /** Where clients reach the API (OpenAPI `servers`), e.g. https://admin.example.com; empty: the request's origin. */
    PUBLIC_URL: z.string().url().or(z.literal("")).default(""),
    /** Take the client IP from X-Forwarded-For (only behind your own proxy); see TRUSTED_PROXIES. */
    TRUST_PROXY: bool.default(false),
    /** Which X-Forwarded-For entries are our proxies: a hop count, or their IPs/CIDRs. */
    TRUSTED_PROXIES: trustedProxies.default("1"),
    /** Server processes sharing the port (`bun run start`); unset: one per core. */
    WORKERS: int(1, 256).optional(),

    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    LOG_FILE: z.string().default(""),
    LOG_FILE_MAX_BYTES: int(1024).default(10 * 1024 * 1024),
    LOG_FILE_KEEP: int(1, 100).default(5),

    DATABASE_URL: z.string().min(1).default("file:./data/hono-admin.db"),
    DATABASE_AUTH_TOKEN: z.string().default(""),

    CACHE_DRIVER: z.enum(["memory", "file", "redis", "upstash"]).default("memory"),
    CACHE_PREFIX: z.string().default(""),
    REDIS_URL: z.string().default("redis://127.0.0.1:6379/0"),
    UPSTASH_REDIS_REST_URL: z.string().default(""),
    UPSTASH_REDIS_REST_TOKEN: z.string().default(""),

    CORS_ORIGINS: list.default(["http://localhost:5180", "http://127.0.0.1:5180"]),
    CORS_CREDENTIALS: bool.default(true),
    GZIP_ENABLE: bool.default(true),
    GZIP_MIN_SIZE: int(0).default(1000),

    SECRET_KEY: z
      .string()
      .min(32, "must be at least 32 characters")
      .refine((v) => v !== DEV_SECRET_KEY, "this is the published development key; set a random secret")
      .optional(),
    JWT_ISSUER: z.string().min(1).default("hono-admin"),
    JWT_AUDIENCE: z.string().min(1).default("hono-admin"),
    ACCESS_TOKEN_EXPIRE_SECONDS: int(60).default(1800),
    REFRESH_TOKEN_EXPIRE_SECONDS: int(60).default(7 * 24 * 3600),
    SESSION_IDLE_SECONDS: int(60).default(1800),
    SESSION_MAX_SECONDS: int(60).default(7 * 24 * 3600),
    /** A refresh token replayed this soon after its rotation gets the same new pair (two tabs). */
    REFRESH_REUSE_GRACE_SECONDS: int(0, 300).default(10),
    /** Concurrent sessions per user; a new login beyond it ends that user's oldest session. */
    MAX_SESSIONS_PER_USER: int(1, 1000).default(10),
    /** Key for second-factor secrets at rest (HKDF → AES-GCM); empty: derived from SECRET_KEY. */
    TOTP_ENCRYPTION_KEY: z.string().min(32, "must be at least 32 characters").or(z.literal("")).default(""),
    /** The issuer authenticator apps show next to the account name. */
    TOTP_ISSUER: z.string().min(1).max(64).default("hono-admin"),

    CAPTCHA_ENABLE: bool.default(true),
    CAPTCHA_EXPIRE_SECONDS: int(10, 3600).default(60),
    LOGIN_MAX_FAILURES: int(1, 1000).default(5),
    LOGIN_LOCK_SECONDS: int(1).default(300),
    LOGIN_LOCK_MAX_SECONDS: int(1).default(3600),
    LOGIN_IP_LIMIT_PER_MINUTE: int(1).default(30),
    RATE_LIMIT_PER_MINUTE: int(1).default(3000),

    AUTO_LOGIN_ENABLE: bool.default(false),
    REGISTER_ENABLE: bool.default(false),
    FORGET_PASSWORD_ENABLE: bool.default(false),
    /** How password-recovery codes reach users: `none`, `webhook` (POST to a URL), `log` (dev only). */
    RECOVERY_SENDER: z.enum(["none", "webhook", "log"]).default("none"),
    RECOVERY_WEBHOOK_URL: z.string().url().or(z.literal("")).default(""),
    ADMIN_PASSWORD: z.string().default(""),

    OAUTH_GITHUB_CLIENT_ID: z.string().default(""),
    OAUTH_GITHUB_CLIENT_SECRET: z.string().default(""),
    OAUTH_GITEE_CLIENT_ID: z.string().default(""),
    OAUTH_GITEE_CLIENT_SECRET: z.string().default(""),
    /** Create an account for a first-time OAuth login (else only linked users may log in). */
    OAUTH_REGISTER_ENABLE: bool.default(false),
    OAUTH_FRONTEND_FALLBACK: z.string().url().default("http://127.0.0.1:5180/login"),

    OPERATION_LOG_RECORD: bool.default(true),
    LOG_RETENTION_DAYS: int(1).default(180),
    /** Limits of one run of task code (JavaScript in a node's `func`) in the QuickJS sandbox. */
    TASK_SANDBOX_TIMEOUT_MS: int(10, 600_000).default(5000),
    TASK_SANDBOX_MEMORY_MB: int(1, 1024).default(32),
    TASK_SANDBOX_OUTPUT_KB: int(1, 16_384).default(64),

    /** Where uploads live: `local` (STORAGE_DIR; on Workers the R2 binding), `r2` (Workers only), or `s3`. */
    STORAGE_DRIVER: z.enum(["local", "r2", "s3"]).default("local"),
    STORAGE_DIR: z.string().min(1).default("./data/static"),
    /** S3-compatible store (STORAGE_DRIVER=s3); empty endpoint: AWS S3 of S3_REGION. */
    S3_ENDPOINT: z.string().url().or(z.literal("")).default(""),
    S3_REGION: z.string().min(1).default("us-east-1"),
    S3_BUCKET: z.string().default(""),
    S3_ACCESS_KEY_ID: z.string().default(""),
    /** Secret: used only to sign requests to the store, never logged. */
    S3_SECRET_ACCESS_KEY: z.string().default(""),
    /** `<endpoint>/<bucket>/<key>` addressing (MinIO and most self-hosted stores) instead of `<bucket>.<host>`. */
    S3_FORCE_PATH_STYLE: bool.default(false),
    MAX_FILE_SIZE: int(1).default(10 * 1024 * 1024),
    /** Upload types (file endpoints, parameters, the resource manager); DANGEROUS ones are refused anyway. */
    ALLOWED_EXTENSIONS: list.default(DEFAULT_ALLOWED_EXTENSIONS.split(",")),

    /** AI assistant: any OpenAI-compatible chat-completions endpoint; empty turns the assistant off. */
    AI_BASE_URL: z.string().url().or(z.literal("")).default(""),
    /** Secret: sent only to AI_BASE_URL, never logged. Empty for gateways without keys (Ollama). */
    AI_API_KEY: z.string().default(""),
    AI_MODEL: z.string().default(""),
    AI_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.7),
    AI_MAX_TOKENS: int(1).default(2048),
    /** Empty: the built-in prompt (src/modules/ai/chat/chat.prompt.ts). */
    AI_SYSTEM_PROMPT: z.string().default(""),
    /** How many earlier messages of the session go to the model with each new one. */
    AI_CONTEXT_MESSAGES: int(0, 200).default(10),
    /** Seconds a model answer may take (a stalled one is cancelled). */
    AI_TIMEOUT_SECONDS: int(1, 3600).default(120),
    AI_MESSAGES_PER_MINUTE: int(1).default(20),
    AI_MAX_MESSAGE_CHARS: int(1).default(4000),
    AI_MAX_STREAMS_PER_USER: int(1, 100).default(2),
    /** Let the model call the read-only tools (users, roles, departments, … as the caller). */
    AI_TOOLS_ENABLE: bool.default(true),

    /** Code generator: where "write to project" puts the backend files; empty: the working directory (dev only). */
    GENERATOR_OUTPUT_DIR: z.string().default(""),
    /** A checkout of the SPA's `frontend/web`: its two generated files go there; empty: preview/ZIP only. */
    GENERATOR_SPA_DIR: z.string().default(""),
    /** Allow POST /generator/gencode/create (checked DDL) when ENVIRONMENT=prod; always on in dev/test. */
    GENERATOR_DDL_ENABLE: bool.default(false),
  })
  .superRefine((s, ctx) => {
    if (s.ENVIRONMENT === "prod" && !s.SECRET_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["SECRET_KEY"],
        message: "is required when ENVIRONMENT=prod; set a random secret (openssl rand -base64 48)",
      });
    }
    if (s.ENVIRONMENT === "prod" && s.AUTO_LOGIN_ENABLE) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTO_LOGIN_ENABLE"],
        message: "hands out sessions without a credential; it may not be on when ENVIRONMENT=prod",
      });
    }
    if (s.FORGET_PASSWORD_ENABLE && s.RECOVERY_SENDER === "none") {
      ctx.addIssue({
        code: "custom",
        path: ["FORGET_PASSWORD_ENABLE"],
        message: "needs a RECOVERY_SENDER (webhook, or log outside prod) to deliver the one-time code",
      });
    }
    if (s.RECOVERY_SENDER === "webhook" && !s.RECOVERY_WEBHOOK_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["RECOVERY_WEBHOOK_URL"],
        message: "RECOVERY_SENDER=webhook needs RECOVERY_WEBHOOK_URL",
      });
    }
    if (s.RECOVERY_SENDER === "log" && s.ENVIRONMENT === "prod") {
      ctx.addIssue({
        code: "custom",
        path: ["RECOVERY_SENDER"],
        message: "'log' writes recovery codes to the server log; not allowed when ENVIRONMENT=prod",
      });
    }
    if (s.CORS_CREDENTIALS && s.CORS_ORIGINS.includes("*")) {
      ctx.addIssue({
        code: "custom",
        path: ["CORS_ORIGINS"],
        message: "'*' cannot be combined with CORS_CREDENTIALS=true; list the SPA's origins",
      });
    }
    if (s.STORAGE_DRIVER === "s3" && (!s.S3_BUCKET || !s.S3_ACCESS_KEY_ID || !s.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: ["STORAGE_DRIVER"],
        message: "STORAGE_DRIVER=s3 needs S3_BUCKET, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY",
      });
    }
    if (s.CACHE_DRIVER === "upstash" && (!s.UPSTASH_REDIS_REST_URL || !s.UPSTASH_REDIS_REST_TOKEN)) {
      ctx.addIssue({
        code: "custom",
        path: ["UPSTASH_REDIS_REST_URL"],
        message: "CACHE_DRIVER=upstash needs UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN",
      });
    }
  });

/** Settings as the app uses them: the signing key is always present (see `withSecretKey`). */
export type Settings = Omit<z.infer<typeof settingsSchema>, "SECRET_KEY"> & { SECRET_KEY: string };
/** Settings as parsed: SECRET_KEY may still be missing outside production. */
export type ParsedSettings = z.infer<typeof settingsSchema>;

export class SettingsError extends Error {}

/** Parses settings from an env-like record; throws a SettingsError naming every bad variable. */
export function parseSettings(env: Record<string, string | undefined>): ParsedSettings {
  const input: Record<string, string> = {};
  for (const key of Object.keys(settingsSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== "") input[key] = value;
  }
  const parsed = settingsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `  ${String(i.path[0] ?? "?")}: ${i.message}`);
  throw new SettingsError(`Invalid settings:\n${lines.join("\n")}`);
}

/**
 * Parses settings that must already hold SECRET_KEY (the Worker, tests): a missing key is a
 * settings error. The Bun server and CLI use `parseSettings` + a generated dev key instead.
 */
export function loadSettings(env: Record<string, string | undefined>): Settings {
  return withSecretKey(parseSettings(env), undefined);
}

/** Completes parsed settings with a signing key: the configured one, else `fallback` (dev/test). */
export function withSecretKey(parsed: ParsedSettings, fallback: string | undefined): Settings {
  const key = parsed.SECRET_KEY || fallback;
  if (!key) throw new SettingsError("Invalid settings:\n  SECRET_KEY: is required (≥ 32 random characters)");
  return { ...parsed, SECRET_KEY: key };
}

/** A fixed key for tests only (never accepted in production: it is public). */
const TEST_SECRET_KEY = "test-only-signing-key-0123456789abcdefghij";

/** Settings for tests: defaults plus overrides, no environment involved. */
export function testSettings(overrides: Partial<Record<keyof Settings, string>> = {}): Settings {
  return loadSettings({
    ENVIRONMENT: "test",
    CAPTCHA_ENABLE: "false",
    SECRET_KEY: TEST_SECRET_KEY,
    ...overrides,
  });
}
