import { describe, expect, test } from "bun:test";
import { memoryLogger } from "@/core/log/logger";

test("errors are logged with their code and cause, without the failed query's parameters", () => {
  const logger = memoryLogger();
  const driver = Object.assign(new Error("Deadlock found when trying to get lock"), {
    code: "ER_LOCK_DEADLOCK",
    errno: 1213,
  });
  const wrapped = new Error(
    "Failed query: update `sys_user` set `password` = ?\nparams: $argon2id$secret-hash,7",
    {
      cause: driver,
    },
  );
  logger.child({ request_id: "r1" }).error("unhandled error", { err: wrapped });
  const [line] = logger.lines as any[];
  expect(line).toMatchObject({ level: "error", msg: "unhandled error", request_id: "r1" });
  expect(line.err.message).toBe("Failed query: update `sys_user` set `password` = ?\nparams: [redacted]");
  expect(JSON.stringify(line)).not.toContain("secret-hash");
  expect(line.err.cause).toMatchObject({ code: "ER_LOCK_DEADLOCK", errno: 1213 });
});

test("levels below the configured one are dropped", () => {
  const logger = memoryLogger("warn");
  logger.info("quiet");
  logger.warn("loud");
  expect(logger.lines.map((l) => l.msg)).toEqual(["loud"]);
});

describe("no secret reaches a log line", () => {
  const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlLXNlY3JldA";

  test("secret-named fields are masked at any depth, headers objects included", () => {
    const logger = memoryLogger();
    const headers = new Headers({ Authorization: `Bearer ${jwt}`, "X-Request-ID": "r1" });
    logger.info("incoming", {
      token: "top-level-token",
      body: { username: "u", password: "pw-in-body", nested: [{ refresh_token: "rt-deep" }] },
      headers,
      cookie: "sid=cookie-secret",
      remember: true,
    });
    const text = JSON.stringify(logger.lines);
    for (const secret of ["top-level-token", "pw-in-body", "rt-deep", "c2lnbmF0dXJl", "cookie-secret"])
      expect(text).not.toContain(secret);
    const [line] = logger.lines as any[];
    expect(line.body).toEqual({ username: "u", password: "******", nested: [{ refresh_token: "******" }] });
    expect(line.headers).toEqual({ authorization: "******", "x-request-id": "r1" });
    expect(line.remember).toBe(true); // a flag is no secret
  });

  test("URLs and free text lose query tokens, bearer headers and JWTs", () => {
    const logger = memoryLogger();
    logger.warn(`redirecting with ${jwt}`, {
      url: "https://spa.example/#/login?access_token=abc-secret-1&token_type=bearer",
      link: new URL("https://api.example/reset?token=abc-secret-2&user=7"),
      note: "sent Authorization: Bearer abcdefghij-secret-3",
    });
    const text = JSON.stringify(logger.lines);
    for (const secret of ["abc-secret-1", "abc-secret-2", "secret-3", "c2lnbmF0dXJl"])
      expect(text).not.toContain(secret);
    const [line] = logger.lines as any[];
    expect(line.msg).toBe("redirecting with ******");
    expect(line.link).toBe("https://api.example/reset?token=******&user=7");
  });

  test("error messages, stacks and causes (Error or not) are scrubbed too", () => {
    const logger = memoryLogger();
    const cause = { response: { access_token: "provider-secret" }, status: 401 };
    const inner = new Error(`refresh failed for ${jwt}`, { cause });
    const outer = new Error("Failed query: insert into sys_log values (?)\nparams: password-param", {
      cause: inner,
    });
    logger.child({ request_id: "r2" }).error("unhandled error", { err: outer, errors: [inner] });
    const text = JSON.stringify(logger.lines);
    for (const secret of ["provider-secret", "c2lnbmF0dXJl", "password-param"])
      expect(text).not.toContain(secret);
    const [line] = logger.lines as any[];
    expect(line.err.cause.message).toBe("refresh failed for ******");
    expect(line.err.cause.cause).toEqual({ response: { access_token: "******" }, status: 401 });
    expect(line.errors[0].message).toBe("refresh failed for ******");
  });

  test("child logger fields are judged like any other", () => {
    const logger = memoryLogger();
    logger.child({ session_token: "child-secret", request_id: "r3" }).info("x");
    expect(JSON.stringify(logger.lines)).not.toContain("child-secret");
    expect(logger.lines[0]).toMatchObject({ request_id: "r3", session_token: "******" });
  });
});
