import { describe, expect, test } from "bun:test";
import { tables as mysql } from "@db/schema.mysql";
import { tables as sqlite } from "@db/schema.sqlite";
import { getTableColumns } from "drizzle-orm";
import { getTableConfig as mysqlConfig } from "drizzle-orm/mysql-core";
import { getTableConfig as sqliteConfig } from "drizzle-orm/sqlite-core";

/*
 * The compile-time parity check compares row types; this compares what the two kits actually
 * built (names, nullability, defaults, keys, indexes, foreign keys), which types cannot see.
 */

type Described = Record<string, unknown>;

function columns(table: object): Described {
  const out: Described = {};
  for (const [key, col] of Object.entries(getTableColumns(table as never))) {
    const c = col as unknown as {
      name: string;
      notNull: boolean;
      primary: boolean;
      hasDefault: boolean;
      default: unknown;
      defaultFn?: unknown;
      onUpdateFn?: unknown;
    };
    out[key] = {
      name: c.name,
      notNull: c.notNull,
      primary: c.primary,
      hasDefault: c.hasDefault,
      default: c.default,
      defaultFn: typeof c.defaultFn,
      onUpdateFn: typeof c.onUpdateFn,
    };
  }
  return out;
}

function constraints(config: {
  indexes: { config: { name: string; unique: boolean; columns: unknown[] } }[];
  foreignKeys: {
    getName(): string;
    onDelete?: string;
    onUpdate?: string;
    reference(): { columns: { name: string }[]; foreignTable: object; foreignColumns: { name: string }[] };
  }[];
  primaryKeys: { columns: { name: string }[] }[];
}) {
  const name = (c: unknown) => (c as { name: string }).name;
  return {
    indexes: config.indexes
      .map(
        (i) =>
          `${i.config.unique ? "unique" : "index"} ${i.config.name}(${i.config.columns.map(name).join(",")})`,
      )
      .sort(),
    foreignKeys: config.foreignKeys
      .map((fk) => {
        const ref = fk.reference();
        const target = (ref.foreignTable as { [k: symbol]: string })[Symbol.for("drizzle:Name")];
        return `${fk.getName()}: ${ref.columns.map(name)} -> ${target}(${ref.foreignColumns.map(name)}) delete ${fk.onDelete ?? "-"} update ${fk.onUpdate ?? "-"}`;
      })
      .sort(),
    primaryKeys: config.primaryKeys.map((pk) => pk.columns.map(name).join(",")),
  };
}

describe("the SQLite and MySQL schemas are the same schema", () => {
  test("same tables", () => {
    expect(Object.keys(mysql).sort()).toEqual(Object.keys(sqlite).sort());
  });

  for (const name of Object.keys(sqlite) as (keyof typeof sqlite)[]) {
    test(name, () => {
      expect(columns(mysql[name])).toEqual(columns(sqlite[name]));
      const s = sqliteConfig(sqlite[name]);
      const m = mysqlConfig(mysql[name]);
      expect(m.name).toBe(s.name);
      expect(constraints(m as never)).toEqual(constraints(s as never));
    });
  }
});
