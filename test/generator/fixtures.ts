import type { GenColumnInput, GenTableInput } from "@/modules/generator/templates/types";

/*
 * Generation configs as POST /generator/gencode/import makes them (contract §7.3–7.4 inference),
 * written out by hand so the template tests do not depend on the import endpoint.
 */

const NOT_ADD = new Set(["created_time", "updated_time"]);

/** A column with §7.4's inferred flags. */
export function col(
  name: string,
  type: string,
  sort: number,
  more: Partial<GenColumnInput> = {},
): GenColumnInput {
  const pk = Boolean(more.is_pk);
  const base = type.toLowerCase().split("(")[0];
  const text = ["varchar", "char", "text"].includes(base);
  const html = name.endsWith("status")
    ? "radio"
    : name.endsWith("type") || name.endsWith("sex")
      ? "select"
      : ["datetime", "date", "time", "timestamp"].includes(base)
        ? "datetime"
        : base === "text"
          ? "textarea"
          : "input";
  const query = !pk && !["id", "uuid", "description"].includes(name);
  return {
    column_name: name,
    column_comment: more.column_comment ?? "",
    column_type: type,
    column_length: /\((\d+)/.exec(type)?.[1] ?? "",
    column_default: "",
    python_type: "",
    python_field: name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
    is_pk: pk,
    is_increment: pk,
    is_nullable: !pk,
    is_unique: false,
    is_insert: !pk && !NOT_ADD.has(name),
    is_edit: !pk && !["id", "uuid", ...NOT_ADD].includes(name),
    is_list: !pk && !["id", "uuid"].includes(name),
    is_query: query,
    query_type: query ? (name.endsWith("name") || text ? "LIKE" : "EQ") : null,
    html_type: html,
    dict_type: "",
    sort,
    ...more,
  };
}

/** ModelMixin + UserMixin columns around a table's own ones, in the hand-written tables' order. */
export function withBase(own: (sort: number) => GenColumnInput[]): GenColumnInput[] {
  const head = [
    col("id", "INTEGER", 1, { is_pk: true, column_comment: "主键ID" }),
    col("uuid", "VARCHAR(64)", 2, { is_nullable: false, column_comment: "UUID" }),
    col("status", "VARCHAR(10)", 3, {
      is_nullable: false,
      column_default: "'0'",
      column_comment: "是否启用",
    }),
    col("description", "TEXT", 4, { column_comment: "备注" }),
    col("created_time", "DATETIME", 5, { is_nullable: false, column_comment: "创建时间" }),
    col("updated_time", "DATETIME", 6, { is_nullable: false, column_comment: "更新时间" }),
    col("is_deleted", "BOOLEAN", 7, { is_nullable: false, column_comment: "是否已删除" }),
    col("deleted_time", "DATETIME", 8, { column_comment: "删除时间" }),
  ];
  const mine = own(9);
  const n = 9 + mine.length;
  return [
    ...head,
    ...mine,
    col("created_id", "INTEGER", n, { column_comment: "创建人ID" }),
    col("updated_id", "INTEGER", n + 1, { column_comment: "更新人ID" }),
    col("deleted_id", "INTEGER", n + 2, { column_comment: "删除人ID" }),
  ];
}

/** gen_demo01 (hand-written in db/tables.ts): the import's defaults (§7.3). */
export const genDemo01: GenTableInput = {
  table_name: "gen_demo01",
  table_comment: "示例1表",
  class_name: "GenDemo01",
  package_name: "module_demo01",
  module_name: "demo01",
  business_name: "gen_demo01",
  function_name: "示例1",
  sub_table_name: null,
  sub_table_fk_name: null,
  parent_menu_id: null,
  columns: withBase((s) => [col("name", "VARCHAR(64)", s, { is_nullable: false, column_comment: "名称" })]),
};

/** A master–detail pair created from DDL (tables not in db/tables.ts): orders and their items. */
export const shopItem: GenTableInput = {
  table_name: "shop_order_item",
  table_comment: "订单明细表",
  class_name: "ShopOrderItem",
  package_name: "module_shop",
  module_name: "order_item",
  business_name: "shop_order_item",
  function_name: "订单明细",
  columns: withBase((s) => [
    col("order_id", "INTEGER", s, { is_nullable: false, column_comment: "订单" }),
    col("sku", "VARCHAR(64)", s + 1, { is_nullable: false, column_comment: "商品编码" }),
    col("qty", "INTEGER", s + 2, { is_nullable: false, column_comment: "数量" }),
    col("price", "DECIMAL(10,2)", s + 3, { column_comment: "单价" }),
    col("attrs", "JSON", s + 4, { column_comment: "属性", is_query: false, query_type: null }),
    col("ship_time", "TIME", s + 5, { column_comment: "发货时刻" }),
  ]),
};

export const shopOrder: GenTableInput = {
  table_name: "shop_order",
  table_comment: "订单表",
  class_name: "ShopOrder",
  package_name: "module_shop",
  module_name: "order",
  business_name: "shop_order",
  function_name: "订单",
  sub_table_name: "shop_order_item",
  sub_table_fk_name: "order_id",
  parent_menu_id: null,
  columns: withBase((s) => [
    col("order_no", "VARCHAR(32)", s, { is_nullable: false, is_unique: true, column_comment: "订单号" }),
    col("amount", "DECIMAL(10,2)", s + 1, { column_comment: "金额" }),
    col("paid", "BOOLEAN", s + 2, { is_nullable: false, column_comment: "已支付" }),
    col("order_date", "DATE", s + 3, { column_comment: "下单日期" }),
    col("ordered_at", "DATETIME", s + 4, { column_comment: "下单时间", query_type: "BETWEEN" }),
    col("pay_type", "VARCHAR(10)", s + 5, { column_comment: "支付方式", dict_type: "sys_user_sex" }),
    col("remark", "TEXT", s + 6, { column_comment: "备注说明" }),
  ]),
  sub_table: shopItem,
};

/** DDL of the pair, per dialect (what POST /generator/gencode/create would run). */
export function shopDdl(dialect: "sqlite" | "mysql"): string[] {
  const id = dialect === "sqlite" ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "INT AUTO_INCREMENT PRIMARY KEY";
  const base = `id ${id},
  uuid VARCHAR(64) NOT NULL,
  status VARCHAR(10) NOT NULL DEFAULT '0',
  description TEXT,
  created_time DATETIME NOT NULL,
  updated_time DATETIME NOT NULL,
  is_deleted BOOLEAN NOT NULL DEFAULT FALSE,
  deleted_time DATETIME`;
  const audit = "created_id INT, updated_id INT, deleted_id INT";
  return [
    `CREATE TABLE shop_order (
  ${base},
  order_no VARCHAR(32) NOT NULL UNIQUE,
  amount DECIMAL(10,2),
  paid BOOLEAN NOT NULL,
  order_date DATE,
  ordered_at DATETIME,
  pay_type VARCHAR(10),
  remark TEXT,
  ${audit}
)`,
    `CREATE TABLE shop_order_item (
  ${base},
  order_id INT NOT NULL,
  sku VARCHAR(64) NOT NULL,
  qty INT NOT NULL,
  price DECIMAL(10,2),
  attrs JSON,
  ship_time TIME,
  ${audit},
  FOREIGN KEY (order_id) REFERENCES shop_order(id)
)`,
  ];
}

/** A table made by hand-written DDL without FastapiAdmin's mixin columns: no status, no soft delete, no audit. */
export const plainPrice: GenTableInput = {
  table_name: "plain_price",
  table_comment: "价目表",
  class_name: "PlainPrice",
  package_name: "module_plain",
  module_name: "price",
  business_name: "plain_price",
  function_name: "价目",
  columns: [
    col("id", "INTEGER", 1, { is_pk: true }),
    col("title", "VARCHAR(40)", 2, { is_nullable: false, is_unique: true, column_comment: "名称" }),
    col("price", "DECIMAL(10,2)", 3, { is_nullable: false, column_default: "0", column_comment: "价格" }),
    col("valid_from", "DATE", 4, { column_comment: "生效日期", query_type: "BETWEEN" }),
    col("on_sale", "BOOLEAN", 5, { column_comment: "在售" }),
  ],
};

/** DDL of plain_price per dialect. */
export function plainDdl(dialect: "sqlite" | "mysql"): string {
  const id = dialect === "sqlite" ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "INT AUTO_INCREMENT PRIMARY KEY";
  return `CREATE TABLE plain_price (
  id ${id},
  title VARCHAR(40) NOT NULL UNIQUE,
  price DECIMAL(10,2) NOT NULL DEFAULT 0,
  valid_from DATE,
  on_sale BOOLEAN
)`;
}

/** gen_demo (hand-written, one column of each kind) as SQLite's catalogue reports it: INTEGER and TEXT. */
export const genDemoSqlite: GenTableInput = {
  table_name: "gen_demo",
  table_comment: "示例表",
  class_name: "GenDemo",
  package_name: "module_demo",
  module_name: "demo",
  business_name: "gen_demo",
  function_name: "示例",
  columns: withBase((s) => [
    col("name", "TEXT", s, { is_nullable: false, column_comment: "名称" }),
    col("a", "INTEGER", s + 1, { column_comment: "整数" }),
    col("b", "INTEGER", s + 2, { column_comment: "大整数" }),
    col("c", "REAL", s + 3, { column_comment: "浮点数" }),
    col("d", "INTEGER", s + 4, { is_nullable: false, column_default: "1", column_comment: "布尔" }),
    col("e", "TEXT", s + 5, { column_comment: "日期" }),
    col("f", "TEXT", s + 6, { column_comment: "时间" }),
    col("g", "TEXT", s + 7, { column_comment: "日期时间" }),
    col("h", "TEXT", s + 8, { column_comment: "长文本" }),
    col("i", "TEXT", s + 9, { column_comment: "元数据", is_query: false, query_type: null }),
  ]).map((c) =>
    c.column_type === "DATETIME" || c.column_type === "BOOLEAN"
      ? { ...c, column_type: c.column_name === "is_deleted" ? "INTEGER" : "TEXT" }
      : c,
  ),
};
