import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGeneratorDisk } from "@/entry/generator-disk";
import { planDdl } from "@/modules/generator/gencode/gencode.ddl";
import {
  baseTypeOf,
  businessNameOf,
  classNameOf,
  inferColumn,
  moduleNameOf,
  packageNameOf,
  tableDefaults,
} from "@/modules/generator/gencode/gencode.infer";
import { hasMarker, safeRelativePath } from "@/modules/generator/gencode/gencode.output";
import { crc32, zipFiles } from "@/modules/generator/gencode/gencode.zip";

describe("defaults and inference (§7.3, §7.4)", () => {
  test("names", () => {
    expect(classNameOf("sys_user")).toBe("SysUser");
    expect(classNameOf("order")).toBe("Order");
    expect(packageNameOf("Shop Admin!")).toBe("module_shop_admin");
    expect(packageNameOf("module_x")).toBe("module_x");
    expect(packageNameOf("../../etc")).toBe("module_etc");
    expect(packageNameOf("   ")).toBeNull();
    expect(moduleNameOf("module_Order-List")).toBe("order_list");
    expect(moduleNameOf("1abc")).toBe("_1abc");
    expect(businessNameOf("/a b//c/..")).toBe("a_b/c");
    expect(tableDefaults("gen_demo01", "")).toMatchObject({
      class_name: "GenDemo01",
      module_name: "demo01",
      package_name: "module_demo01",
      business_name: "gen_demo01",
      function_name: "gen_demo01",
    });
    expect(tableDefaults("tb_order", "订单表（测试）").function_name).toBe("订单（）");
  });

  test("types and form controls", () => {
    expect(baseTypeOf("VARCHAR(64) COLLATE utf8mb4_bin")).toBe("varchar");
    expect(baseTypeOf("tinyint(1)")).toBe("boolean");
    expect(baseTypeOf("BIGINT(20) UNSIGNED")).toBe("bigint");
    const col = (column_name: string, column_type: string, column_length = "", is_pk = false) =>
      inferColumn({
        column_name,
        column_type,
        column_length,
        column_comment: "",
        column_default: "",
        sort: 1,
        is_pk,
        is_unique: false,
        is_increment: false,
        is_nullable: true,
      });
    expect(col("id", "INT(11)", "", true)).toMatchObject({
      python_type: "number",
      is_insert: false,
      is_edit: false,
      is_list: false,
      is_query: false,
      query_type: null,
    });
    expect(col("user_status", "CHAR(1)", "1")).toMatchObject({ html_type: "radio", python_type: "string" });
    expect(col("order_type", "INT")).toMatchObject({ html_type: "select", query_type: "EQ" });
    expect(col("cover_image", "VARCHAR(255)", "255")).toMatchObject({ html_type: "imageUpload" });
    expect(col("note", "VARCHAR(600)", "600")).toMatchObject({ html_type: "textarea", query_type: "LIKE" });
    expect(col("body", "LONGTEXT")).toMatchObject({ html_type: "textarea" });
    expect(col("paid_at", "DATETIME")).toMatchObject({ html_type: "datetime", python_type: "string" });
    expect(col("amount", "DECIMAL(10,2)")).toMatchObject({ python_type: "string", html_type: "input" });
    expect(col("extra", "JSON")).toMatchObject({ python_type: "Record<string, unknown>" });
    expect(col("flag", "TINYINT(1)")).toMatchObject({ python_type: "boolean" });
    expect(col("shape", "GEOMETRY")).toMatchObject({ python_type: "" });
  });
});

describe("DDL allow-list (both dialects)", () => {
  for (const dialect of ["sqlite", "mysql"] as const) {
    test(`${dialect}: only CREATE TABLE and FK constraints pass; what runs is re-rendered`, async () => {
      const plan = await planDdl(
        dialect,
        "/* 表 */ CREATE TABLE a (id INTEGER PRIMARY KEY, note VARCHAR(20) DEFAULT ';DROP TABLE b;'); -- x\nCREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER); ALTER TABLE b ADD CONSTRAINT fk_b_a FOREIGN KEY (a_id) REFERENCES a (id);",
      );
      expect(plan.tables).toEqual(["a", "b"]);
      expect(plan.statements.length).toBe(dialect === "sqlite" ? 2 : 3);
      expect(plan.statements.join("\n")).not.toContain("/*");
      expect(plan.statements.every((s) => /^(CREATE TABLE|ALTER TABLE)/.test(s))).toBe(true);
      const refused = [
        "DROP TABLE a",
        "CREATE TABLE a (id int); DROP TABLE sys_user",
        "CREATE TABLE a (id int); UPDATE sys_user SET name = 'x'",
        "CREATE VIEW v AS SELECT 1",
        "CREATE TABLE main.a (id int)",
        "CREATE TEMPORARY TABLE a (id int)",
        "CREATE TABLE a (id int); ALTER TABLE a RENAME TO b",
        "CREATE TABLE a (id int); ALTER TABLE a ADD COLUMN x int",
        "ALTER TABLE sys_user ADD CONSTRAINT fk FOREIGN KEY (dept_id) REFERENCES sys_dept (id)",
        "CREATE TABLE a (id int, x text DEFAULT (load_file('/etc/passwd')))",
        "CREATE TABLE a (id int, x int AS (id + 1) VIRTUAL)",
        "CREATE TABLE a (id int, CHECK (sleep(5) = 0))",
        "CREATE TABLE a (id int) ENGINE=CONNECT",
      ];
      for (const sql of refused) {
        const err = await planDdl(dialect, sql).then(
          () => null,
          (e: Error & { status?: number }) => e,
        );
        expect({ sql, status: err?.status }).toEqual({ sql, status: 400 });
      }
    });
  }

  test("clock defaults pass; SQLite drops ON UPDATE, which it lacks", async () => {
    const sql =
      "CREATE TABLE a (id int, t datetime DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, n int DEFAULT -1)";
    expect((await planDdl("mysql", sql)).statements[0]).toContain("ON UPDATE CURRENT_TIMESTAMP");
    expect((await planDdl("sqlite", sql)).statements[0]).not.toContain("ON UPDATE");
    expect((await planDdl("mysql", "CREATE TABLE a (id int) ENGINE=InnoDB")).tables).toEqual(["a"]);
    const designer = await planDdl(
      "sqlite",
      "CREATE TABLE `a` (`id` INT NOT NULL AUTO_INCREMENT COMMENT 'k', PRIMARY KEY (`id`)) ENGINE=InnoDB COMMENT='t'",
    );
    expect(designer.statements).toEqual(['CREATE TABLE "a" ("id" INTEGER NOT NULL PRIMARY KEY)']);
  });

  test("SQLite: a foreign key ALTER on a table created elsewhere is refused (no ADD CONSTRAINT there)", async () => {
    await expect(
      planDdl(
        "sqlite",
        "CREATE TABLE a (id int); ALTER TABLE sys_user ADD CONSTRAINT f FOREIGN KEY (x) REFERENCES a (id)",
      ),
    ).rejects.toThrow(/SQLite 不支持/);
  });
});

describe("output paths and markers", () => {
  test("relative paths are plain names only", () => {
    expect(safeRelativePath("src/modules/module_x/x/x.routes.ts")).toBe(true);
    for (const p of [
      "../x.ts",
      "src/../x.ts",
      "/etc/passwd",
      "src//x.ts",
      "src/./x.ts",
      "src/x y.ts",
      "src\\x.ts",
    ])
      expect({ p, ok: safeRelativePath(p) }).toEqual({ p, ok: false });
  });

  test("the marker must be in a comment near the top", () => {
    expect(hasMarker("// x: written by the code generator\nexport {};")).toBe(true);
    expect(hasMarker("<!-- written by the code generator -->\n<template />")).toBe(true);
    expect(hasMarker(`${"import x;\n".repeat(20)}/* T, written by the code generator */`)).toBe(true);
    expect(hasMarker("export const s = 'written by the code generator';")).toBe(false);
    expect(hasMarker(`${"\n".repeat(45)}// written by the code generator`)).toBe(false);
    expect(hasMarker("// my own file")).toBe(false);
  });
});

describe("generator disk", () => {
  const root = mkdtempSync(join(tmpdir(), "gen-disk-"));
  const outside = mkdtempSync(join(tmpdir(), "gen-outside-"));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });
  const disk = createGeneratorDisk();

  test("writes and reads inside the root, creating directories", async () => {
    await disk.write(root, "src/modules/a/b.ts", "x");
    expect(readFileSync(join(root, "src/modules/a/b.ts"), "utf8")).toBe("x");
    expect(await disk.read(root, "src/modules/a/b.ts")).toBe("x");
    expect(await disk.read(root, "src/modules/a/none.ts")).toBeNull();
  });

  test("refuses traversal, absolute paths and symbolic links out of the root", async () => {
    for (const p of ["../x.ts", "/etc/passwd", "a/../../x.ts", ""])
      await expect(disk.write(root, p, "x")).rejects.toThrow();
    mkdirSync(join(root, "src"), { recursive: true });
    symlinkSync(outside, join(root, "src/link"));
    await expect(disk.write(root, "src/link/evil.ts", "x")).rejects.toThrow(/escapes/);
    writeFileSync(join(outside, "target.ts"), "mine");
    symlinkSync(join(outside, "target.ts"), join(root, "src/file-link.ts"));
    await expect(disk.write(root, "src/file-link.ts", "x")).rejects.toThrow();
    expect(readFileSync(join(outside, "target.ts"), "utf8")).toBe("mine");
  });
});

describe("zip writer", () => {
  test("CRC-32 and a readable archive", async () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
    const zip = zipFiles([
      { path: "backend/a.ts", content: "export {};\n" },
      { path: "frontend/src/中文.vue", content: "<template />\n" },
    ]);
    const dir = mkdtempSync(join(tmpdir(), "gen-zip-"));
    try {
      writeFileSync(join(dir, "code.zip"), zip);
      const proc = Bun.spawnSync([
        "python3",
        "-c",
        "import zipfile,sys;z=zipfile.ZipFile(sys.argv[1]);z.testzip();print('|'.join(n+':'+z.read(n).decode() for n in z.namelist()))",
        join(dir, "code.zip"),
      ]);
      expect(proc.stdout.toString()).toBe("backend/a.ts:export {};\n|frontend/src/中文.vue:<template />\n\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
