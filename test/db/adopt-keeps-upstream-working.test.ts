import { afterAll, describe, expect, test } from "bun:test";
import { createClient } from "@libsql/client";
import { openDatabase } from "@/core/db/client";
import { prepareDatabase } from "@/core/db/prepare";
import { inspectSchema, listTables } from "@/core/db/schema-inspect";
import { mysqlFixture, type ScratchDatabase, schemaDiff, sqliteFixture } from "./fastapiadmin-fixture";

/*
 * Going back: after adoption the original must still work on the database. Its tables, columns,
 * keys and indexes are all still there (the adoption test checks that), and here its own writes
 * still go through: upstream's seed rows, written the way upstream writes them (INSERTs naming
 * its columns, as SQLAlchemy does), load into a schema we adopted while it was empty. Positional
 * INSERTs (a dump without --complete-insert) no longer fit the tables that gained tenant_id.
 */

const dialects: ("sqlite" | "mysql")[] = process.env.TEST_MYSQL_URL ? ["sqlite", "mysql"] : ["sqlite"];

for (const dialect of dialects) {
  describe(`the original on a database we adopted (${dialect})`, () => {
    const scratch: ScratchDatabase[] = [];
    afterAll(async () => {
      for (const s of scratch) await s.drop();
    });

    test("upstream's own rows still insert into every table it created", async () => {
      let target: ScratchDatabase;
      let loadUpstreamRows: () => Promise<void>;
      if (dialect === "mysql") {
        target = await mysqlFixture(process.env.TEST_MYSQL_URL!, { data: false });
        scratch.push(target);
        const source = await mysqlFixture(process.env.TEST_MYSQL_URL!);
        scratch.push(source);
        loadUpstreamRows = async () => {
          const from = new URL(source.url).pathname.slice(1);
          const raw = await openDatabase({ url: source.url });
          try {
            const cols = await raw.raw.all(
              "SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION",
              [from],
            );
            const byTable = new Map<string, string[]>();
            for (const r of cols)
              byTable.set(String(r.t), [...(byTable.get(String(r.t)) ?? []), `\`${r.c}\``]);
            const inserts = [...byTable].map(
              ([t, c]) =>
                `INSERT INTO \`${t}\` (${c.join(", ")}) SELECT ${c.join(", ")} FROM \`${from}\`.\`${t}\`;`,
            );
            await target.exec(`SET FOREIGN_KEY_CHECKS=0;\n${inserts.join("\n")}`);
          } finally {
            await raw.close();
          }
        };
      } else {
        // The original's schema, without its rows: the dump's CREATE statements replayed.
        const full = await sqliteFixture();
        scratch.push(full);
        const empty = await sqliteFixture(() => "SELECT 1;");
        scratch.push(empty);
        target = empty;
        const source = createClient({ url: full.url });
        const ddl = await source.execute(
          "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type DESC",
        );
        source.close();
        await target.exec(ddl.rows.map((r) => `${r.sql};`).join("\n"));
        loadUpstreamRows = async () => {
          const c = createClient({ url: target.url });
          try {
            await c.execute("PRAGMA foreign_keys=OFF");
            await c.execute(`ATTACH DATABASE '${full.url.slice("file:".length)}' AS upstream`);
            const tables = await c.execute("SELECT name FROM upstream.sqlite_master WHERE type = 'table'");
            for (const { name } of tables.rows) {
              const info = await c.execute(`PRAGMA upstream.table_info("${name}")`);
              const cols = info.rows.map((r) => `"${r.name}"`).join(", ");
              await c.execute(`INSERT INTO main."${name}" (${cols}) SELECT ${cols} FROM upstream."${name}"`);
            }
          } finally {
            c.close();
          }
        };
      }
      const db = await openDatabase({ url: target.url });
      try {
        const before = await inspectSchema(db.raw);
        const result = await prepareDatabase(db);
        expect(result.state.kind).toBe("existing");
        expect(schemaDiff(before, await inspectSchema(db.raw)).removed).toEqual([]);
        expect(await listTables(db.raw)).toContain("apscheduler_jobs");
      } finally {
        await db.close();
      }
      await loadUpstreamRows();
      const after = await openDatabase({ url: target.url });
      try {
        const [users] = await after.raw.all("SELECT COUNT(*) AS n FROM sys_user");
        const [menus] = await after.raw.all("SELECT COUNT(*) AS n FROM sys_menu");
        expect(Number(users.n)).toBe(3);
        expect(Number(menus.n)).toBe(192);
      } finally {
        await after.close();
      }
    }, 60_000);
  });
}
