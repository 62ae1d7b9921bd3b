import { redact, scrubText } from "./redact";

export type LogLevel = "debug" | "info" | "warn" | "error";
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Where formatted log lines go (stdout, a rotating file, the Workers console, a test buffer). */
export type LogSink = (line: string, level: LogLevel) => void;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line carries `fields` (e.g. the request id). */
  child(fields: Record<string, unknown>): Logger;
}

const consoleSink: LogSink = (line, level) => {
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
};

// Drizzle puts a failed query's parameters (password hashes, tokens…) into its error messages.
const withoutParams = (text: string) =>
  text.replace(/\nparams: [\s\S]*?(?=\n {4}at |$)/, "\nparams: [redacted]");

const scrubbed = (text: string | undefined) =>
  text === undefined ? undefined : scrubText(withoutParams(text));

/** An error as a log field: name, code, message and stack (secrets masked), and its cause. */
function errorFields(value: Error, depth: number): unknown {
  const { code, errno } = value as { code?: unknown; errno?: unknown };
  return {
    name: value.name,
    message: scrubbed(value.message),
    ...(code !== undefined ? { code: loggable(code, depth + 1) } : {}),
    ...(errno !== undefined ? { errno } : {}),
    stack: scrubbed(value.stack),
    // The driver's own error (e.g. ER_LOCK_DEADLOCK) is the cause of drizzle's wrapper.
    ...(value.cause !== undefined && depth < 5 ? { cause: loggable(value.cause, depth + 1) } : {}),
  };
}

/**
 * A field value as it may be written: errors spelt out, secret-named fields masked at any depth
 * (an Authorization header, a password in a logged body), credential-looking text scrubbed
 * (`?token=` in a URL, a JWT, a bearer header), query parameters left out of driver errors.
 */
const loggable = (value: unknown, depth = 0): unknown => redact(value, depth, { error: errorFields });

/** The fields of one line, judged by name first (a top-level `token` field is masked too). */
function loggableFields(fields: Record<string, unknown>): Record<string, unknown> {
  return loggable(fields) as Record<string, unknown>;
}

/** Structured JSON logs: one object a line, `time`, `level`, `msg`, then the fields. */
export function createLogger(
  level: LogLevel = "info",
  sinks: LogSink[] = [consoleSink],
  base: Record<string, unknown> = {},
): Logger {
  const min = RANK[level];
  const write = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (RANK[lvl] < min) return;
    const record: Record<string, unknown> = {
      time: new Date().toISOString(),
      level: lvl,
      msg: scrubText(msg),
      ...base,
    };
    if (fields) Object.assign(record, loggableFields(fields));
    const line = JSON.stringify(record);
    for (const sink of sinks) sink(line, lvl);
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (fields) => createLogger(level, sinks, { ...base, ...loggableFields(fields) }),
  };
}

/** A logger that keeps its lines in memory (tests read them). */
export function memoryLogger(level: LogLevel = "debug"): Logger & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(level, [(line) => lines.push(JSON.parse(line))]);
  return Object.assign(logger, { lines });
}
