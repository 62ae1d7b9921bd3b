import { afterAll, beforeAll, expect, test } from "bun:test";
import { count, like } from "drizzle-orm";
import { testSettings } from "@/config";
import type { AppDeps } from "@/core/context";
import { formatDateTime } from "@/core/http/datetime";
import { logRetentionJob } from "@/core/jobs/log-retention";
import { createTestDatabase, type TestDatabase } from "../support/db";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
});
afterAll(() => database.drop());

const DAY = 86_400_000;
const TICK = new Date(Date.UTC(2026, 5, 1, 12, 17));

async function insertLogs(label: string, at: Date, n: number) {
  const { sys_log } = database.db.t;
  const stamp = formatDateTime(at);
  const rows = Array.from({ length: n }, () => ({
    type: 2,
    request_path: "/retention",
    request_method: "GET",
    response_code: 200,
    description: label,
    created_time: stamp,
    updated_time: stamp,
  }));
  for (let i = 0; i < rows.length; i += 500)
    await database.db.orm.insert(sys_log).values(rows.slice(i, i + 500));
}

async function countOf(label: string) {
  const { sys_log } = database.db.t;
  const [row] = await database.db.orm
    .select({ n: count() })
    .from(sys_log)
    .where(like(sys_log.description, label));
  return Number(row.n);
}

test("deletes rows older than LOG_RETENTION_DAYS in batches and keeps the rest", async () => {
  const deps = { db: database.db, settings: testSettings({ LOG_RETENTION_DAYS: "30" }) } as AppDeps;
  await insertLogs("expired", new Date(TICK.getTime() - 31 * DAY), 2345); // three batches of ≤ 1000
  await insertLogs("kept", new Date(TICK.getTime() - 29 * DAY), 5);

  const result = await logRetentionJob.run(deps, TICK);

  expect(result).toEqual({
    deleted: 2345,
    cutoff: formatDateTime(new Date(TICK.getTime() - 30 * DAY)),
    more: false,
  });
  expect(await countOf("expired")).toBe(0);
  expect(await countOf("kept")).toBe(5);
  expect(await logRetentionJob.run(deps, TICK)).toMatchObject({ deleted: 0, more: false });
});
