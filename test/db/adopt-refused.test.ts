import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { testSettings } from "@/config";
import { openDatabase } from "@/core/db/client";
import { DatabaseStepError } from "@/core/db/prepare";
import { dumpSchema, listTables } from "@/core/db/schema-inspect";
import { memoryLogger } from "@/core/log/logger";
import { buildBunDeps } from "@/entry/bun-deps";
import { dumpData, mysqlFixture, type ScratchDatabase, sqliteFixture } from "./fastapiadmin-fixture";

/*
 * A FastapiAdmin database we cannot work with (a needed column dropped, a column of another type)
 * stops the start with one message per problem, naming table and column, and is left exactly as
 * it was: same schema, same rows, no bookkeeping table.
 */

const dialects: ("sqlite" | "mysql")[] = process.env.TEST_MYSQL_URL ? ["sqlite", "mysql"] : ["sqlite"];

const BREAK = {
  // SQLite cannot change a column's type in place: sys_notice (empty in the fixture) is rebuilt.
  sqlite: `ALTER TABLE sys_user DROP COLUMN password;
DROP TABLE sys_notice;
CREATE TABLE sys_notice (notice_title INTEGER NOT NULL, notice_type VARCHAR(1) NOT NULL, notice_content TEXT,
  id INTEGER NOT NULL, uuid VARCHAR(64) NOT NULL, status VARCHAR(10) NOT NULL, description TEXT,
  created_time DATETIME NOT NULL, updated_time DATETIME NOT NULL, is_deleted BOOLEAN NOT NULL, deleted_time DATETIME,
  created_id INTEGER, updated_id INTEGER, deleted_id INTEGER, PRIMARY KEY (id), UNIQUE (uuid));`,
  mysql:
    "ALTER TABLE sys_user DROP COLUMN password; ALTER TABLE sys_notice MODIFY notice_title int(11) NOT NULL;",
};

async function snapshot(url: string) {
  const db = await openDatabase({ url });
  try {
    return {
      schema: await dumpSchema(db.raw),
      data: await dumpData(db.raw),
      tables: await listTables(db.raw),
    };
  } finally {
    await db.close();
  }
}

for (const dialect of dialects) {
  describe(`a FastapiAdmin database that cannot be adopted (${dialect})`, () => {
    let fx: ScratchDatabase;
    beforeAll(async () => {
      fx = dialect === "sqlite" ? await sqliteFixture() : await mysqlFixture(process.env.TEST_MYSQL_URL!);
      await fx.exec(BREAK[dialect]);
    }, 60_000);
    afterAll(() => fx?.drop());

    test("the start is refused, naming each column, and the database is left as it was", async () => {
      const before = await snapshot(fx.url);
      expect(before.tables).not.toContain("__drizzle_migrations");
      const logger = memoryLogger("info");
      let error: unknown;
      try {
        const deps = await buildBunDeps(
          testSettings({ DATABASE_URL: fx.url, CACHE_DRIVER: "memory" }),
          logger,
        );
        await deps.db.close();
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(DatabaseStepError);
      const message = (error as Error).message;
      expect((error as DatabaseStepError).step).toBe("adopt");
      expect(message).toContain("sys_user.password: missing");
      expect(message).toContain("sys_notice.notice_title: type");
      expect(message).toContain("nothing was changed");
      // exactly these two problems, one line each
      expect(message.split("\n").filter((l) => l.startsWith("  - "))).toHaveLength(2);

      const after = await snapshot(fx.url);
      expect(after.schema).toBe(before.schema);
      expect(after.data).toBe(before.data);
      expect(after.tables).toEqual(before.tables);
    }, 30_000);
  });
}

describe("the server process on a database it cannot adopt", () => {
  let fx: ScratchDatabase;
  beforeAll(async () => {
    fx = await sqliteFixture();
    await fx.exec("ALTER TABLE sys_user DROP COLUMN password");
  }, 60_000);
  afterAll(() => fx?.drop());

  test("exits 1 with one log line per mismatch and the step that failed", async () => {
    const proc = Bun.spawn(["bun", "run", "src/entry/bun.ts"], {
      cwd: new URL("../..", import.meta.url).pathname,
      env: {
        ...process.env,
        DATABASE_URL: fx.url,
        CACHE_DRIVER: "memory",
        CAPTCHA_ENABLE: "false",
        SERVER_PORT: "0",
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(await proc.exited).toBe(1);
    const lines = (await new Response(proc.stderr).text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const mismatches = lines.filter((l) => l.msg === "database mismatch");
    expect(mismatches).toHaveLength(1);
    expect(mismatches[0].problem).toStartWith("sys_user.password: missing");
    // the step that failed, with its cause (a supervisor of several workers adds its own last line)
    const failed = lines.find((l) => l.msg === "startup failed");
    expect(failed).toMatchObject({ msg: "startup failed", step: "adopt" });
    expect(failed.error).toContain("nothing was changed");
  }, 30_000);
});
