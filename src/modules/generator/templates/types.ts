/*
 * The code generator's renderer: what it reads and what it writes (contract §7.1, §7.5, §7.7).
 * Field names are the wire's / the gen_table rows' snake_case, so the gencode service can hand a
 * stored config (plus its resolved sub table) to `renderModule` without mapping.
 */

/** One column of a table's generation config (`gen_table_column`, GenColumn of §7.1). */
export interface GenColumnInput {
  column_name: string;
  column_comment?: string | null;
  /** The database's type text, e.g. `VARCHAR(64)`, `INTEGER`, `DATETIME`, `TINYINT(1)`. */
  column_type: string;
  /** `"64"` or `""`. */
  column_length?: string | null;
  column_default?: string | null;
  /** `str`, `int`, `float`, `Decimal`, `bool`, `date`, `time`, `datetime`, `dict`, `list`, `bytes` or `""`. */
  python_type?: string | null;
  /** camelCase name (kept for the SPA page's labels; the generated code uses `column_name`). */
  python_field?: string | null;
  is_pk?: boolean | null;
  is_increment?: boolean | null;
  is_nullable?: boolean | null;
  is_unique?: boolean | null;
  /** Part of the create body. */
  is_insert?: boolean | null;
  /** Part of the update body. */
  is_edit?: boolean | null;
  /** A column of the SPA's table and of the export. */
  is_list?: boolean | null;
  /** A filter of the list and the export. */
  is_query?: boolean | null;
  /** `LIKE` (contains) or `EQ`; anything else is read as `EQ`. `BETWEEN` on time columns: a range. */
  query_type?: string | null;
  /** `input`, `textarea`, `select`, `radio`, `checkbox`, `datetime`, `imageUpload`, `fileUpload`, `editor`. */
  html_type?: string | null;
  /** A `sys_dict_type.dict_type` whose values the SPA offers for select/radio/checkbox. */
  dict_type?: string | null;
  sort?: number | null;
}

/** A table's generation config (`gen_table`, GenTable of §7.1) with its columns. */
export interface GenTableInput {
  /** Physical table name. */
  table_name: string;
  table_comment?: string | null;
  /** PascalCase of the table name (`gen_demo01` → `GenDemo01`). */
  class_name?: string | null;
  /** `module_<slug>`: the permission prefix's first part and the SPA's folder. */
  package_name?: string | null;
  /** Slug without `module_`: the module's folder and the permission prefix's second part. */
  module_name?: string | null;
  business_name?: string | null;
  /** The label in menus, messages and the page ("示例01"). */
  function_name?: string | null;
  sub_table_name?: string | null;
  sub_table_fk_name?: string | null;
  parent_menu_id?: number | null;
  /** Ordered by `sort` by the renderer (the caller need not sort). */
  columns: GenColumnInput[];
  /**
   * Master–detail (§7.5): the resolved sub table (its imported config, or read from the database)
   * when `sub_table_name` and `sub_table_fk_name` are set. Its package is the main table's; its
   * module name, when missing or equal to the main table's (upstream bug §14 #37), is derived from
   * its table name, so the two modules never write the same files.
   */
  sub_table?: GenTableInput | null;
}

/**
 * One rendered file. `path` is relative to the repository root the way upstream's are (§7.7):
 * `backend/…` is a path in this repository (strip `backend/`), `frontend/src/…` one in the SPA's
 * project (`frontend/web/src/…` in FastapiAdmin's tree).
 */
export interface GeneratedFile {
  path: string;
  content: string;
  /**
   * Registries (`backend/src/modules/generated.ts`, `backend/db/generated/index.ts`) list every
   * generated module: when writing to disk, merge into the existing file with
   * `mergeRegistry(existing, content)` instead of overwriting it.
   */
  merge?: true;
}

export type GeneratedFiles = GeneratedFile[];

export interface RenderOptions {
  /**
   * Tables whose definition is hand-written in db/tables.ts (such as gen_demo01): the generated
   * module reuses it and no `backend/db/generated/<table>.ts` is written. Defaults to the tables of
   * this build's schema that are not generated ones.
   */
  existingTables?: ReadonlySet<string>;
  /** Render time stamp written into file headers (tests pin it); defaults to now. */
  now?: string;
}
