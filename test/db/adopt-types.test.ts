import { afterAll, describe, expect, test } from "bun:test";
import { planAdoption } from "@/core/db/adopt";
import { openDatabase } from "@/core/db/client";
import { readMigrations } from "@/core/db/migration-files";
import { mysqlFixture, type ScratchDatabase, sqliteFixture } from "./fastapiadmin-fixture";

/*
 * How column differences are judged: narrower but usable → a note, unusable → a mismatch naming
 * table and column. MySQL/MariaDB enforces types and lengths; SQLite only type affinities.
 */

describe("column differences on SQLite", () => {
  let fx: ScratchDatabase;
  afterAll(() => fx?.drop());

  test("a NUMERIC column where we keep text and an unknown NOT NULL column are mismatches; BLOB is a note", async () => {
    fx = await sqliteFixture();
    // sys_notice is empty in the fixture: rebuilt with other types
    await fx.exec(`DROP TABLE sys_notice;
CREATE TABLE sys_notice (notice_title NUMERIC NOT NULL, notice_type VARCHAR(1) NOT NULL, notice_content BLOB,
  region VARCHAR(10) NOT NULL, id INTEGER NOT NULL, uuid VARCHAR(64) NOT NULL, status VARCHAR(10) NOT NULL,
  description TEXT, created_time DATETIME NOT NULL, updated_time DATETIME NOT NULL, is_deleted BOOLEAN NOT NULL,
  deleted_time DATETIME, created_id INTEGER, updated_id INTEGER, deleted_id INTEGER, PRIMARY KEY (id), UNIQUE (uuid));`);
    const db = await openDatabase({ url: fx.url });
    try {
      const plan = await planAdoption(db.raw, readMigrations("sqlite"));
      expect(plan.notes.some((n) => n.startsWith("sys_notice.notice_content: blob"))).toBe(true);
      expect(plan.problems).toEqual([
        "sys_notice.notice_title: type numeric cannot hold our text(64); change the column to text(64) (or a wider type)",
        "sys_notice.region: NOT NULL without a default and unknown to us, so our inserts would fail; give it a default or allow NULL",
      ]);
    } finally {
      await db.close();
    }
  }, 60_000);
});

const onMysql = process.env.TEST_MYSQL_URL ? [process.env.TEST_MYSQL_URL] : [];

for (const serverUrl of onMysql)
  describe("column differences on MariaDB", () => {
    let fx: ScratchDatabase;
    afterAll(() => fx?.drop());

    test("narrower text, enums and smaller integers are notes; a text column where we keep numbers is a mismatch", async () => {
      fx = await mysqlFixture(serverUrl, { data: false });
      await fx.exec(`
      ALTER TABLE sys_notice MODIFY notice_type enum('1','2') NOT NULL;
      ALTER TABLE sys_user MODIFY name varchar(16) NOT NULL;
      ALTER TABLE sys_log MODIFY response_json text;
      ALTER TABLE sys_position MODIFY \`order\` smallint NOT NULL;
      ALTER TABLE sys_dept MODIFY \`order\` varchar(10) NOT NULL;
      ALTER TABLE sys_tenant ADD COLUMN region varchar(10) NOT NULL;
    `);
      const db = await openDatabase({ url: fx.url });
      try {
        const plan = await planAdoption(db.raw, readMigrations("mysql"));
        const noteOf = (prefix: string) => plan.notes.find((n) => n.startsWith(prefix));
        expect(noteOf("sys_notice.notice_type: enum column")).toBeDefined();
        expect(noteOf("sys_user.name: varchar(16) is shorter than our varchar(32)")).toBeDefined();
        expect(noteOf("sys_log.response_json: text holds less than longtext")).toBeDefined();
        expect(noteOf("sys_position.order: smallint")).toBeDefined();
        expect(plan.problems).toEqual([
          "sys_dept.order: type varchar(10) cannot hold our int; change the column to int (or a wider type)",
          "sys_tenant.region: NOT NULL without a default and unknown to us, so our inserts would fail; give it a default or allow NULL",
        ]);
      } finally {
        await db.close();
      }
    }, 60_000);
  });
