import { afterAll, describe, expect, test } from "bun:test";
import { applyAdoption, planAdoption } from "@/core/db/adopt";
import { openDatabase } from "@/core/db/client";
import type { Database } from "@/core/db/database";
import { readMigrations } from "@/core/db/migration-files";
import { prepareDatabase } from "@/core/db/prepare";
import { dumpSchema, listTables } from "@/core/db/schema-inspect";
import { mysqlFixture, type ScratchDatabase, sqliteFixture } from "./fastapiadmin-fixture";

/*
 * An adoption that fails while applying (here: a statement that cannot run, after the real
 * additions). SQLite: one transaction, so nothing stays. MySQL: DDL commits at once, so the
 * additions made stay, but no history is written, and the next start finishes the job.
 */

const dialects: ("sqlite" | "mysql")[] = process.env.TEST_MYSQL_URL ? ["sqlite", "mysql"] : ["sqlite"];

for (const dialect of dialects) {
  describe(`an adoption cut off midway (${dialect})`, () => {
    let fx: ScratchDatabase;
    let db: Database;
    afterAll(async () => {
      await db?.close();
      await fx?.drop();
    });

    test(dialect === "sqlite" ? "leaves nothing behind" : "is finished by the next start", async () => {
      fx = dialect === "sqlite" ? await sqliteFixture() : await mysqlFixture(process.env.TEST_MYSQL_URL!);
      db = await openDatabase({ url: fx.url });
      const before = await dumpSchema(db.raw);
      const migrations = readMigrations(dialect);
      const plan = await planAdoption(db.raw, migrations);
      expect(plan.statements.length).toBeGreaterThan(1);
      const broken = {
        ...plan,
        statements: [...plan.statements, "CREATE INDEX ix_broken ON no_such_table (x)"],
      };
      await expect(applyAdoption(db.raw, broken)).rejects.toThrow();
      expect(await listTables(db.raw)).not.toContain("__drizzle_migrations");

      if (dialect === "sqlite") {
        expect(await dumpSchema(db.raw)).toBe(before);
        return;
      }
      // MySQL: the indexes were added, the history was not; the next start plans again and finishes.
      const again = await planAdoption(db.raw, migrations);
      expect(again.addIndexes).toEqual([]);
      expect(again.problems).toEqual([]);
      const result = await prepareDatabase(db);
      expect(result.state.kind).toBe("existing");
      const [row] = await db.raw.all("SELECT COUNT(*) AS n FROM __drizzle_migrations");
      expect(Number(row.n)).toBe(migrations.length);
    }, 60_000);
  });
}
