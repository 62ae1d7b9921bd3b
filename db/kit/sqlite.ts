import {
  type AnySQLiteColumn,
  customType,
  foreignKey,
  index,
  integer,
  primaryKey,
  real,
  type SQLiteTable,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { type Kit, type TableExtra, withInsertDefaults } from "./types";

type Columns = Record<string, AnySQLiteColumn>;

/**
 * `YYYY-MM-DD HH:MM:SS` text. A FastapiAdmin database written by SQLAlchemy holds microseconds
 * (`2026-12-06 02:22:13.794099`): read back without them, as the wire format has none.
 */
const datetimeText = customType<{ data: string; driverData: string }>({
  dataType: () => "text",
  fromDriver: (value) =>
    typeof value === "string" ? value.replace(/(\d{2}:\d{2}:\d{2})\.\d+$/, "$1") : value,
});

/** SQLite / libSQL / D1 kit. Booleans are 0/1 integers; datetimes, dates, times and JSON are TEXT. */
export function createSqliteKit(): Kit<"sqlite"> {
  const tables = new Map<string, Columns>();

  const columnsOf = (table: string, names: string[], own?: Columns): AnySQLiteColumn[] => {
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
        return index(extra.name).on(...(columnsOf(table, extra.columns, self) as [AnySQLiteColumn]));
      case "unique":
        return uniqueIndex(extra.name).on(...(columnsOf(table, extra.columns, self) as [AnySQLiteColumn]));
      case "primaryKey":
        return primaryKey({ columns: columnsOf(table, extra.columns, self) as [AnySQLiteColumn] });
      case "foreignKey": {
        const fk = foreignKey({
          name: extra.name,
          columns: columnsOf(table, extra.columns, self) as [AnySQLiteColumn],
          foreignColumns: columnsOf(extra.foreignTable, extra.foreignColumns) as [AnySQLiteColumn],
        });
        if (extra.onDelete) fk.onDelete(extra.onDelete);
        if (extra.onUpdate) fk.onUpdate(extra.onUpdate);
        return fk;
      }
    }
  };

  const kit = {
    dialect: "sqlite",
    table(name: string, columns: Record<string, unknown>, extras: TableExtra[] = []) {
      const table: SQLiteTable = sqliteTable(name, columns as never, (self) =>
        extras.map((e) => buildExtra(name, self as Columns, e)),
      );
      tables.set(name, table as unknown as Columns);
      return table;
    },
    id: () => integer().primaryKey({ autoIncrement: true }),
    int: () => withInsertDefaults(integer()),
    bigint: () => withInsertDefaults(integer()),
    float: () => withInsertDefaults(real()),
    str: (length: number) => withInsertDefaults(text({ length })),
    text: () => withInsertDefaults(text()),
    longtext: () => withInsertDefaults(text()),
    bool: () => withInsertDefaults(integer({ mode: "boolean" })),
    datetime: () => withInsertDefaults(datetimeText()),
    date: () => withInsertDefaults(text()),
    time: () => withInsertDefaults(text()),
    json: () => withInsertDefaults(text({ mode: "json" })),
  };
  // The runtime builders are drizzle's own; Kit only narrows their types to the shared subset.
  return kit as unknown as Kit<"sqlite">;
}
