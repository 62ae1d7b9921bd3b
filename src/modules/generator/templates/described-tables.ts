import type { Kit } from "@db/kit/types";
import { defineTables } from "@db/tables";
import type { ColumnKind } from "./model";

/*
 * db/tables.ts read through a column kit that records what each column is instead of building
 * drizzle tables: the kit's own kinds (date, time, datetime, JSON, VARCHAR lengths) that neither
 * dialect's catalogue reports faithfully, without loading a second dialect's drizzle builders.
 */

export interface DescribedColumn {
  kind: ColumnKind;
  length: number | null;
  notNull: boolean;
  hasDefault: boolean;
}

function column(kind: ColumnKind, length: number | null = null) {
  const d: DescribedColumn = { kind, length, notNull: false, hasDefault: false };
  const builder = {
    described: d,
    notNull() {
      d.notNull = true;
      return builder;
    },
    default() {
      d.hasDefault = true;
      return builder;
    },
    $defaultFn() {
      d.hasDefault = true;
      return builder;
    },
    $onUpdateFn: () => builder,
    $type: () => builder,
  };
  return builder;
}

const describingKit = {
  dialect: "sqlite",
  table: (_name: string, columns: Record<string, { described: DescribedColumn }>) =>
    Object.fromEntries(Object.entries(columns).map(([name, b]) => [name, b.described])),
  id: () => column("int").notNull(),
  int: () => column("int"),
  bigint: () => column("bigint"),
  float: () => column("float"),
  str: (length: number) => column("str", length),
  text: () => column("text"),
  longtext: () => column("longtext"),
  bool: () => column("bool"),
  datetime: () => column("datetime"),
  date: () => column("date"),
  time: () => column("time"),
  json: () => column("json"),
};

let described: Record<string, Record<string, DescribedColumn>> | null = null;

/** Every table of db/tables.ts (generated ones included) as its columns' kinds. */
export function describedTables(): Record<string, Record<string, DescribedColumn>> {
  described ??= defineTables(describingKit as unknown as Kit<"sqlite">) as unknown as Record<
    string,
    Record<string, DescribedColumn>
  >;
  return described;
}
