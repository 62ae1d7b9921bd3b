import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { sql } from "drizzle-orm";
import { appliedMigrationCount } from "@/core/db/migrations";
import { createTestDatabase, type TestDatabase, testDialect } from "../support/db";

const journal = (dialect: string) =>
  JSON.parse(
    readFileSync(new URL(`../../db/migrations/${dialect}/meta/_journal.json`, import.meta.url), "utf8"),
  ) as {
    entries: unknown[];
  };

describe(`migrations (${testDialect()})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ seed: false, runMigrations: true });
  });
  afterAll(() => t.drop());

  test("every table exists and is empty", async () => {
    const { db } = t;
    for (const [name, table] of Object.entries(db.t)) {
      const rows = await db.orm.select({ one: sql<number>`1` }).from(table).limit(1);
      expect({ name, rows }).toEqual({ name, rows: [] });
    }
    expect(Object.keys(db.t).sort()).toEqual(
      [
        "sys_tenant",
        "sys_dept",
        "sys_user",
        "sys_user_roles",
        "sys_user_positions",
        "sys_role",
        "sys_role_menus",
        "sys_role_depts",
        "sys_menu",
        "sys_position",
        "sys_dict_type",
        "sys_dict_data",
        "sys_param",
        "sys_notice",
        "sys_log",
        "app_portal",
        "gen_demo",
        "gen_demo01",
        "gen_table",
        "gen_table_column",
        "task_job",
        "task_node",
        "task_workflow",
        "task_workflow_node_type",
        "ai_chat_session",
        "ai_chat_message",
        "sys_role_totp",
        "sys_user_totp",
        "sys_user_totp_recovery",
      ].sort(),
    );
  });

  test("all migrations of the dialect are recorded; migrating again is a no-op", async () => {
    const { db } = t;
    const expected = journal(db.dialect).entries.length;
    expect(await appliedMigrationCount(db)).toBe(expected);
    await db.migrate();
    expect(await appliedMigrationCount(db)).toBe(expected);
  });

  test("ping answers", async () => {
    await t.db.ping();
  });
});
