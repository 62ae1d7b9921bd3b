import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { tmpdir } from "node:os";
import { createBunSystemInfo } from "@/entry/bun-system-info";
import { humanBytes, runTime } from "@/modules/monitor/server/server.service";
import { body, createTestApp, type TestApp } from "../../support/app";
import { authHeaders, client, createScopedUser } from "../../support/auth";

const PATH = "/monitor/server/info";
const HUMAN = /^\d+\.\d[KMGTPEZY]?B$/;

function expectShape(data: any) {
  expect(Object.keys(data).sort()).toEqual(["audit", "cpu", "disks", "mem", "py", "sys"]);
  expect(Object.keys(data.audit)).toEqual(["failed_writes"]);
  expect(Object.keys(data.cpu).sort()).toEqual(["cpu_num", "free", "sys", "used"]);
  expect(Object.keys(data.mem).sort()).toEqual(["free", "total", "usage", "used"]);
  expect(Object.keys(data.sys).sort()).toEqual([
    "computer_ip",
    "computer_name",
    "os_arch",
    "os_name",
    "user_dir",
  ]);
  expect(Object.keys(data.py).sort()).toEqual([
    "home",
    "memory_free",
    "memory_total",
    "memory_usage",
    "memory_used",
    "name",
    "run_time",
    "start_time",
    "version",
  ]);
  expect(Array.isArray(data.disks)).toBe(true);
}

describe("server monitor under Bun (real figures)", () => {
  let t: TestApp;
  let admin: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await createTestApp({}, { systemInfo: createBunSystemInfo({ diskPaths: [tmpdir(), "/"] }) });
    admin = client(t, await authHeaders(t, "admin"));
  });
  afterAll(() => t.close());

  test("info: contract shape with real numbers and formats", async () => {
    const res = await admin.get(PATH);
    expect(res.status).toBe(200);
    const env = await body(res);
    expect(env.code).toBe(0);
    expect(env.msg).toBe("获取服务器监控信息成功");
    const d = env.data;
    expectShape(d);
    expect(d.cpu.cpu_num).toBeGreaterThanOrEqual(1);
    for (const v of [d.cpu.used, d.cpu.sys, d.cpu.free]) {
      expect(typeof v).toBe("number");
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(100);
    }
    expect(d.cpu.used + d.cpu.sys + d.cpu.free).toBeLessThanOrEqual(100.5);
    for (const v of [d.mem.total, d.mem.used, d.mem.free]) expect(v).toMatch(HUMAN);
    expect(d.mem.usage).toBeGreaterThan(0);
    expect(d.mem.usage).toBeLessThan(100);
    expect(d.sys.computer_name).toBeTruthy();
    expect(d.sys.computer_ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(d.sys.os_arch).toBeTruthy();
    expect(d.sys.os_name).toContain("-");
    expect(d.sys.user_dir).toBe(process.cwd());
    expect(d.py.name).toBe("bun");
    expect(d.py.version).toBe(Bun.version);
    expect(d.py.home).toBe(process.execPath);
    expect(d.py.start_time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(d.py.run_time).toMatch(/^\d+天\d+小时\d+分钟$/);
    for (const v of [d.py.memory_total, d.py.memory_used, d.py.memory_free]) expect(v).toMatch(HUMAN);
    expect(d.py.memory_usage).toBeGreaterThan(0);
    expect(d.disks.length).toBeGreaterThanOrEqual(1);
    const root = d.disks.find((x: any) => x.dir_name === "/");
    expect(root).toBeDefined();
    expect(root.type_name).toBe("本地固定磁盘（/）");
    expect(root.total).toMatch(HUMAN);
    expect(root.usage).toBeGreaterThanOrEqual(0);
    expect(root.usage).toBeLessThanOrEqual(100);
    expect(typeof root.sys_type_name).toBe("string");
  });

  test("later calls measure CPU since the previous one, within bounds", async () => {
    await Bun.sleep(250);
    const { cpu } = (await body(await admin.get(PATH))).data;
    expect(cpu.used + cpu.sys + cpu.free).toBeGreaterThan(0);
    expect(cpu.used + cpu.sys + cpu.free).toBeLessThanOrEqual(100.5);
  });

  test("security: 401 without token, 403 without the permission, 200 with it", async () => {
    const anon = await t.request(`/api/v1${PATH}`);
    expect(anon.status).toBe(401);
    expect((await body(anon)).code).toBe(10401);
    const nobody = await createScopedUser(t, { permissions: ["module_monitor:cache:query"] });
    const denied = await client(t, nobody.headers).get(PATH);
    expect(denied.status).toBe(403);
    expect((await body(denied)).code).toBe(10403);
    const allowed = await createScopedUser(t, { permissions: ["module_monitor:server:query"] });
    expect((await client(t, allowed.headers).get(PATH)).status).toBe(200);
  });
});

describe("server monitor where the runtime cannot tell", () => {
  test("workerd without a provider: 200, same shape, unknowns null", async () => {
    const t = await createTestApp({}, { runtime: "workerd", systemInfo: undefined });
    try {
      const res = await client(t, await authHeaders(t, "admin")).get(PATH);
      expect(res.status).toBe(200);
      const d = (await body(res)).data;
      expectShape(d);
      expect(d.mem).toEqual({ total: null, used: null, free: null, usage: null });
      expect(d.cpu.used).toBeNull();
      expect(d.py.name).toBe("workerd");
      expect(d.py.start_time).toBeNull();
      expect(d.py.memory_usage).toBeNull();
      expect(d.sys.os_name).toBe("Cloudflare Workers");
      expect(d.disks).toEqual([]);
    } finally {
      await t.close();
    }
  });

  test("a provider that fails answers unknowns instead of a 500", async () => {
    const t = await createTestApp(
      {},
      {
        systemInfo: async () => {
          throw new Error("EACCES /proc");
        },
      },
    );
    try {
      const res = await client(t, await authHeaders(t, "admin")).get(PATH);
      expect(res.status).toBe(200);
      const d = (await body(res)).data;
      expectShape(d);
      expect(d.py.name).toBe("bun");
      expect(d.mem.total).toBeNull();
      expect(t.logger.lines.some((e: any) => e.msg === "reading system information failed")).toBe(true);
    } finally {
      await t.close();
    }
  });
});

describe("formats", () => {
  test("humanBytes is psutil's bytes2human", () => {
    expect(humanBytes(512)).toBe("512.0B");
    expect(humanBytes(1024)).toBe("1.0KB");
    expect(humanBytes(512 * 1024 * 1024)).toBe("512.0MB");
    expect(humanBytes(15.5 * 1024 ** 3)).toBe("15.5GB");
  });

  test("runTime counts days, hours and minutes", () => {
    expect(runTime(0)).toBe("0天0小时0分钟");
    expect(runTime(((2 * 24 + 3) * 60 + 4) * 60_000 + 59_000)).toBe("2天3小时4分钟");
  });
});
