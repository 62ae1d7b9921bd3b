import { expect, test } from "bun:test";
import { memoryLogger } from "../../src/core/log/logger";

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
