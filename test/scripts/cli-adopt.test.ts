import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { openDatabase } from "@/core/db/client";
import { dumpSchema, listTables } from "@/core/db/schema-inspect";
import { dumpData, type ScratchDatabase, sqliteFixture } from "../db/fastapiadmin-fixture";

/* `bun run cli adopt [--dry-run]`, `migrate` on an existing FastapiAdmin database, `scrub-logs`. */

/** How many migrations we ship (adoption records each one the existing schema satisfies, then applies the rest). */
const migrationCount = (
  await Bun.file(new URL("../../db/migrations/sqlite/meta/_journal.json", import.meta.url)).json()
).entries.length as number;
/** Of those, the ones adoption cannot judge and leaves to the migrator (0008 drops and re-creates list indexes). */
const appliedAfterAdoption = 1;

function cli(args: string[], url: string) {
  const proc = Bun.spawnSync(["bun", "run", "scripts/cli.ts", ...args], {
    cwd: new URL("../..", import.meta.url).pathname,
    env: { ...process.env, DATABASE_URL: url, CACHE_DRIVER: "memory" },
    stdin: "ignore",
  });
  return { code: proc.exitCode, out: proc.stdout.toString(), err: proc.stderr.toString() };
}

async function state(url: string) {
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

describe("cli adopt", () => {
  const scratch: ScratchDatabase[] = [];
  afterAll(async () => {
    for (const s of scratch) await s.drop();
  });

  test("--help explains the verb", async () => {
    const fx = await sqliteFixture();
    scratch.push(fx);
    const res = cli(["adopt", "--help"], fx.url);
    expect(res.code).toBe(0);
    expect(res.out).toContain("usage: bun run cli adopt [--dry-run]");
    expect(cli(["adopt", "--bogus"], fx.url).code).toBe(2);
  }, 60_000);

  test("--dry-run prints the plan and changes nothing; adopt then applies it; a second adopt has nothing to do", async () => {
    const fx = await sqliteFixture();
    scratch.push(fx);
    const before = await state(fx.url);
    const dry = cli(["adopt", "--dry-run"], fx.url);
    expect(dry.code).toBe(0);
    expect(dry.out).toContain("tables matched (24)"); // gen_table and gen_table_column are ours too
    expect(dry.out).toContain("sys_log: ix_sys_log_type (type)");
    expect(dry.out).toContain("apscheduler_jobs");
    expect(dry.out).toContain("mismatches (stop the adoption): none");
    expect(dry.out).toContain("dry run: nothing was changed");
    const planned = /\((\d+) statement\(s\) would run\)/.exec(dry.out)?.[1];
    expect(Number(planned)).toBeGreaterThan(0);
    const after = await state(fx.url);
    expect(after).toEqual(before);

    const real = cli(["adopt"], fx.url);
    expect(real.code).toBe(0);
    // exactly the planned statements, and every migration of ours recorded or applied
    expect(real.out).toContain(
      `adopted: ${planned} statement(s) run, ${migrationCount - appliedAfterAdoption} migration(s) recorded, ${appliedAfterAdoption} more applied`,
    );
    expect((await state(fx.url)).tables).toContain("__drizzle_migrations");
    const again = cli(["adopt", "--dry-run"], fx.url);
    expect(again.code).toBe(0);
    expect(again.out).toContain(`already has our migration history (${migrationCount} applied)`);
  }, 60_000);

  test("a mismatch exits 1 naming the column, with nothing changed", async () => {
    const fx = await sqliteFixture();
    scratch.push(fx);
    await fx.exec("ALTER TABLE sys_user DROP COLUMN password");
    const before = await state(fx.url);
    for (const args of [["adopt", "--dry-run"], ["adopt"], ["migrate"]]) {
      const res = cli(args, fx.url);
      expect(res.code).toBe(1);
      expect(res.out + res.err).toContain("sys_user.password: missing");
    }
    expect(await state(fx.url)).toEqual(before);
  }, 60_000);

  test("migrate adopts an existing database before applying anything", async () => {
    const fx = await sqliteFixture();
    scratch.push(fx);
    const res = cli(["migrate"], fx.url);
    expect(res.code).toBe(0);
    expect(res.out).toContain("adopted an existing FastapiAdmin database: 24 table(s) matched");
    expect(res.out).toContain(`applied ${appliedAfterAdoption} migration(s), ${migrationCount} in total`);
  }, 60_000);
});

describe("cli scrub-logs", () => {
  let fx: ScratchDatabase;
  beforeAll(async () => {
    fx = await sqliteFixture();
  }, 60_000);
  afterAll(() => fx?.drop());

  const secretsInClear = async () => {
    const db = await openDatabase({ url: fx.url });
    try {
      const rows = await db.raw.all(
        "SELECT COUNT(*) AS n FROM sys_log WHERE request_payload LIKE '%password: 123456%' OR response_json LIKE '%\"access_token\":\"ey%'",
      );
      return Number(rows[0].n);
    } finally {
      await db.close();
    }
  };

  test("counts first and changes nothing without a confirmation", async () => {
    const before = await secretsInClear();
    expect(before).toBeGreaterThan(0);
    const res = cli(["scrub-logs"], fx.url);
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/\d+ of 43 log entr\(ies\) hold secrets in clear/);
    expect(res.err).toContain("nothing was changed");
    expect(await secretsInClear()).toBe(before);
  }, 60_000);

  test("--yes redacts them in place; a second run finds none", async () => {
    const res = cli(["scrub-logs", "--yes"], fx.url);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/done: \d+ log entr\(ies\) redacted/);
    expect(await secretsInClear()).toBe(0);
    const again = cli(["scrub-logs", "--yes"], fx.url);
    expect(again.out).toContain("0 of 43 log entr(ies) hold secrets in clear");
  }, 60_000);
});
