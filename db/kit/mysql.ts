import {
  type AnyMySqlColumn,
  bigint,
  boolean,
  customType,
  date,
  datetime,
  double,
  foreignKey,
  index,
  int,
  longtext,
  type MySqlTable,
  mysqlTable,
  primaryKey,
  text,
  time,
  uniqueIndex,
  varchar,
} from "drizzle-orm/mysql-core";
import { type Kit, type TableExtra, withInsertDefaults } from "./types";

type Columns = Record<string, AnyMySqlColumn>;

/**
 * MariaDB stores JSON as LONGTEXT, so mysql2 hands it back as a string (MySQL 8 would parse it);
 * drizzle's own `json()` does not parse on read, hence this column type.
 */
const json = customType<{ data: unknown; driverData: string }>({
  dataType: () => "json",
  toDriver: (value) => JSON.stringify(value),
  fromDriver: (value) => (typeof value === "string" ? JSON.parse(value) : value),
});

/** MySQL / MariaDB kit. DATETIME and DATE in string mode (the pool must use `dateStrings: true`). */
export function createMysqlKit(): Kit<"mysql"> {
  const tables = new Map<string, Columns>();

  const columnsOf = (table: string, names: string[], own?: Columns): AnyMySqlColumn[] => {
    const cols = own ?? tables.get(table);
    if (!cols) throw new Error(`kit: unknown table ${table}`);
    return names.map((n) => {
      const col = cols[n];
      if (!col) throw new Error(`kit: unknown column ${table}.${n}`);
      return col;
    });
  };

  const buildExtra = (table: string, self: Columns, extra: TableExtra) => {
    switch (extra.kind) {
      case "index":
        return index(extra.name).on(...(columnsOf(table, extra.columns, self) as [AnyMySqlColumn]));
      case "unique":
        return uniqueIndex(extra.name).on(...(columnsOf(table, extra.columns, self) as [AnyMySqlColumn]));
      case "primaryKey":
        return primaryKey({ columns: columnsOf(table, extra.columns, self) as [AnyMySqlColumn] });
      case "foreignKey": {
        const fk = foreignKey({
          name: extra.name,
          columns: columnsOf(table, extra.columns, self) as [AnyMySqlColumn],
          foreignColumns: columnsOf(extra.foreignTable, extra.foreignColumns) as [AnyMySqlColumn],
        });
        if (extra.onDelete) fk.onDelete(extra.onDelete);
        if (extra.onUpdate) fk.onUpdate(extra.onUpdate);
        return fk;
      }
    }
  };

  const kit = {
    dialect: "mysql",
    table(name: string, columns: Record<string, unknown>, extras: TableExtra[] = []) {
      const table: MySqlTable = mysqlTable(name, columns as never, (self) =>
        extras.map((e) => buildExtra(name, self as Columns, e)),
      );
      tables.set(name, table as unknown as Columns);
      return table;
    },
    id: () => int().autoincrement().primaryKey(),
    int: () => withInsertDefaults(int()),
    bigint: () => withInsertDefaults(bigint({ mode: "number" })),
    float: () => withInsertDefaults(double()),
    str: (length: number) => withInsertDefaults(varchar({ length })),
    text: () => withInsertDefaults(text()),
    longtext: () => withInsertDefaults(longtext()),
    bool: () => withInsertDefaults(boolean()),
    datetime: () => withInsertDefaults(datetime({ mode: "string" })),
    date: () => withInsertDefaults(date({ mode: "string" })),
    time: () => withInsertDefaults(time()),
    json: () => withInsertDefaults(json()),
  };
  // The runtime builders are drizzle's own; Kit only narrows their types to the shared subset.
  return kit as unknown as Kit<"mysql">;
}
