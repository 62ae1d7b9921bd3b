import type {
  $Type,
  BuildColumns,
  ColumnBuilderBase,
  ColumnDataType,
  HasDefault,
  HasRuntimeDefault,
  IsAutoincrement,
  IsPrimaryKey,
  NotNull,
  SQL,
} from "drizzle-orm";
import type { MySqlTableWithColumns } from "drizzle-orm/mysql-core";
import type { SQLiteTableWithColumns } from "drizzle-orm/sqlite-core";

/*
 * The column kit: one vocabulary for table definitions, implemented once per dialect.
 *
 * A generic `defineTables(kit)` cannot see the concrete builder types of the kit it is called
 * with (TypeScript resolves method calls on a type parameter through its constraint), so the
 * column types here are dialect-neutral: they carry exactly what drizzle's type machinery reads
 * (data, not-null, defaults, primary key). Only `table()` is dialect-specific, and it feeds those
 * neutral builders to drizzle's own `BuildColumns<..., "sqlite" | "mysql">`, so each schema module
 * ends up with real `SQLiteTable` / `MySqlTable` types. At runtime the kit returns the real
 * drizzle builders of its dialect; the types above describe the subset of methods they share.
 */

export type KitDialect = "sqlite" | "mysql";

type DataOf<C extends ColumnBuilderBase> = C["_"] extends { $type: infer U } ? U : C["_"]["data"];

/** A column builder both dialects' builders satisfy (the chainable subset we use). */
export interface KitColumn<TData, TDataType extends ColumnDataType, TColumnType extends string>
  extends ColumnBuilderBase<{
    name: "";
    dataType: TDataType;
    columnType: TColumnType;
    data: TData;
    driverParam: unknown;
    enumValues: undefined;
  }> {
  notNull(): NotNull<this>;
  /** SQL-side default (for rows inserted by hand); code relies on `$defaultFn` where it matters. */
  default(value: DataOf<this> | SQL): HasDefault<this>;
  $defaultFn(fn: () => DataOf<this> | SQL): HasRuntimeDefault<HasDefault<this>>;
  $onUpdateFn(fn: () => DataOf<this> | SQL): HasDefault<this>;
  $type<T>(): $Type<this, T>;
}

export type IntColumn = KitColumn<number, "number", "KitInt">;
/** 64-bit integers read as JS numbers: values beyond 2^53 are the caller's to refuse. */
export type BigIntColumn = KitColumn<number, "number", "KitBigInt">;
export type FloatColumn = KitColumn<number, "number", "KitFloat">;
export type IdColumn = IsPrimaryKey<IsAutoincrement<HasDefault<NotNull<IntColumn>>>>;
export type StringColumn = KitColumn<string, "string", "KitString">;
export type TextColumn = KitColumn<string, "string", "KitText">;
export type BoolColumn = KitColumn<boolean, "boolean", "KitBool">;
/** `YYYY-MM-DD HH:MM:SS` strings on both dialects (see src/core/http/datetime.ts). */
export type DateTimeColumn = KitColumn<string, "string", "KitDateTime">;
/** `YYYY-MM-DD` strings. */
export type DateColumn = KitColumn<string, "string", "KitDate">;
/** `HH:MM:SS` strings. */
export type TimeColumn = KitColumn<string, "string", "KitTime">;
export type JsonColumn<T> = KitColumn<T, "json", "KitJson">;

export type KitColumns = Record<string, ColumnBuilderBase>;

/** The dialect's real table type for a set of kit columns. */
export type KitTable<D extends KitDialect, N extends string, C extends KitColumns> = D extends "sqlite"
  ? SQLiteTableWithColumns<{
      name: N;
      schema: undefined;
      columns: BuildColumns<N, C, "sqlite">;
      dialect: "sqlite";
    }>
  : MySqlTableWithColumns<{
      name: N;
      schema: undefined;
      columns: BuildColumns<N, C, "mysql">;
      dialect: "mysql";
    }>;

export type ReferentialAction = "cascade" | "restrict" | "no action" | "set null" | "set default";

/**
 * Table-level constraints, described by column names so they stay dialect-neutral; each kit turns
 * them into its dialect's index / foreign-key builders when drizzle asks for the table config.
 */
export type TableExtra<Col extends string = string> =
  | { kind: "index"; name: string; columns: Col[] }
  | { kind: "unique"; name: string; columns: Col[] }
  | { kind: "primaryKey"; columns: Col[] }
  | {
      kind: "foreignKey";
      name: string;
      columns: Col[];
      /** Referenced by name (looked up lazily), so self- and forward references need no thunks. */
      foreignTable: string;
      foreignColumns: string[];
      onDelete?: ReferentialAction;
      onUpdate?: ReferentialAction;
    };

export interface Kit<D extends KitDialect> {
  readonly dialect: D;
  table<N extends string, C extends KitColumns>(
    name: N,
    columns: C,
    extras?: TableExtra<NoInfer<keyof C & string>>[],
  ): KitTable<D, N, C>;
  /** Auto-increment integer primary key. */
  id(): IdColumn;
  int(): IntColumn;
  /** BIGINT on MySQL; INTEGER (already 64-bit) on SQLite. Read as numbers. */
  bigint(): BigIntColumn;
  /**
   * A double-precision float: REAL on SQLite, DOUBLE on MySQL (its FLOAT is single precision and
   * would hand back other values than SQLite for the same input).
   */
  float(): FloatColumn;
  /** VARCHAR(length) on MySQL; TEXT on SQLite (which does not enforce lengths). */
  str(length: number): StringColumn;
  text(): TextColumn;
  /** LONGTEXT on MySQL (TEXT caps at 64 KiB there); TEXT on SQLite. */
  longtext(): TextColumn;
  bool(): BoolColumn;
  datetime(): DateTimeColumn;
  date(): DateColumn;
  time(): TimeColumn;
  json<T = unknown>(): JsonColumn<T>;
}

export const index = <Col extends string>(name: string, ...columns: Col[]): TableExtra<Col> => ({
  kind: "index",
  name,
  columns,
});

export const unique = <Col extends string>(name: string, ...columns: Col[]): TableExtra<Col> => ({
  kind: "unique",
  name,
  columns,
});

export const primaryKey = <Col extends string>(...columns: Col[]): TableExtra<Col> => ({
  kind: "primaryKey",
  columns,
});

export const foreignKey = <Col extends string>(fk: {
  name: string;
  columns: Col[];
  foreignTable: string;
  foreignColumns: string[];
  onDelete?: ReferentialAction;
  onUpdate?: ReferentialAction;
}): TableExtra<Col> => ({ kind: "foreignKey", ...fk });

interface DefaultableBuilder {
  default(value: unknown): unknown;
  $defaultFn(fn: () => unknown): unknown;
}

/**
 * Makes `.default(value)` also supply the value on insert, not only in the DDL. A database we did
 * not create (an adopted FastapiAdmin one: its columns are NOT NULL without SQL defaults) then
 * still gets every value it needs; on our own schema the result is the same row.
 */
export function withInsertDefaults<B extends DefaultableBuilder>(builder: B): B {
  const sqlDefault = builder.default.bind(builder);
  builder.default = (value: unknown) => {
    const result = sqlDefault(value) as DefaultableBuilder;
    // SQL expressions stay SQL-side only.
    const isSql = typeof value === "object" && value !== null && "queryChunks" in value;
    if (!isSql) result.$defaultFn(() => value);
    return result;
  };
  return builder;
}
