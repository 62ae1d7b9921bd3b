import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createContext, type E2EContext } from "../../e2e/steps";
import { startWorkerRuntime, workerPrerequisites } from "../../e2e/support/runtimes";

/*
 * The code generator under workerd (`wrangler dev`, libSQL server): the SQL parser bundled into the
 * Worker checks and runs DDL there, preview and ZIP work, and writing to disk is refused.
 */

const problem = await workerPrerequisites();
if (problem) {
  if (process.env.CI && process.env.CI !== "false") {
    test("workerd: prerequisites", () => {
      throw new Error(`workerd cannot run on this machine: ${problem}`);
    });
  } else {
    console.warn(`skipping the code generator under workerd: ${problem}`);
  }
} else {
  describe("code generator under workerd", () => {
    let ctx: E2EContext | undefined;
    let token = "";
    beforeAll(async () => {
      // the edge runs as production: DDL needs its switch
      ctx = createContext(await startWorkerRuntime({ GENERATOR_DDL_ENABLE: "true" }));
      token = (await ctx.tokensFor("admin")).access_token;
    }, 120_000);
    afterAll(async () => {
      await ctx?.rt.stop();
    }, 30_000);

    test("DDL, import, preview and ZIP work; output to disk is refused", async () => {
      if (!ctx) throw new Error("the Worker did not start");
      const { api } = ctx;
      const refused = await api("POST", "/generator/gencode/create", {
        token,
        json: { sql: "CREATE TABLE edge_t (id INTEGER PRIMARY KEY); DROP TABLE sys_user" },
      });
      expect(refused.status).toBe(400);
      expect(refused.body.msg).toContain("禁止的关键操作");
      const created = await api("POST", "/generator/gencode/create", {
        token,
        json: {
          sql: "CREATE TABLE edge_order (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(64) NOT NULL)",
        },
      });
      expect(created.body).toMatchObject({ code: 0, data: true });
      // the SPA's designer writes MySQL: read with MySQL's grammar, run on libSQL
      const designer = await api("POST", "/generator/gencode/create", {
        token,
        json: {
          sql: "CREATE TABLE `edge_item` (`id` INT NOT NULL AUTO_INCREMENT COMMENT '主键', `title` VARCHAR(64) DEFAULT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='明细';",
        },
      });
      expect(designer.body).toMatchObject({ code: 0, data: true });
      const imported = await api("POST", "/generator/gencode/import", { token, json: ["edge_order"] });
      expect(imported.body).toMatchObject({ code: 0 });
      const list = await api("GET", "/generator/gencode/list?table_name=edge_order", { token });
      const id = list.body.data.items[0].id;
      const preview = await api("GET", `/generator/gencode/preview/${id}`, { token });
      expect(preview.status).toBe(200);
      expect(Object.keys(preview.body.data).some((k) => k.startsWith("frontend/src/"))).toBe(true);
      const zip = await api("PATCH", "/generator/gencode/batch/output", {
        token,
        json: ["edge_order"],
        raw: true,
      });
      expect(zip.status).toBe(200);
      expect(zip.headers.get("content-type")).toBe("application/zip");
      const output = await api("POST", "/generator/gencode/output/edge_order", { token });
      expect(output.status).toBe(400);
      expect(output.body.msg).toContain("当前环境不能把代码写入磁盘");
    }, 60_000);
  });
}
