import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { body, createTestApp, type TestApp } from "../support/app";
import { authHeaders, client, createScopedUser } from "../support/auth";

/*
 * A new password (create, admin reset, own change, register, recovery, CLI) may not be one of the
 * most common passwords (a bundled list, checked case-insensitively) nor the product's or the
 * account's own name plus a few characters.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ REGISTER_ENABLE: "true" });
}, 30_000);
afterAll(() => t.close());

const COMMON = ["password", "12345678", "Qwertyuiop", "ILOVEYOU", "sunshine", "iloveyou1", "1q2w3e4r5t"];
const CONTEXT = [
  "hono-admin",
  "HonoAdmin2024",
  "fastapiadmin1",
  "admin123456",
  "Super-user-1",
  "管理员管理员12",
];
const STRONG = "Violet-lantern-harbour-42";

const expectRefused = async (res: Response, what: string) => {
  const b = await body(res);
  expect({ what, status: res.status, code: b.code, refused: /常见|容易猜到/.test(b.msg) }).toEqual({
    what,
    status: 422,
    code: 1,
    refused: true,
  });
};

test("the bundled list holds at least 10,000 passwords", async () => {
  const list = (await import("@/core/auth/common-passwords.json")).default as string[];
  expect(list.length).toBeGreaterThanOrEqual(10_000);
  expect(new Set(list).size).toBe(list.length);
});

describe("creating a user", () => {
  test("common and product/account-name passwords → 422; a strong one → 200", async () => {
    const admin = client(t, await authHeaders(t, "admin"));
    let n = 0;
    for (const password of [...COMMON, ...CONTEXT]) {
      const res = await admin.post("/system/user/create", {
        username: `weak_${++n}`,
        name: "弱密码",
        password,
      });
      await expectRefused(res, password);
    }
    // the user's own username with a few characters
    await expectRefused(
      await admin.post("/system/user/create", {
        username: "zhangwei88",
        name: "张伟",
        password: "Zhangwei88!!",
      }),
      "own username",
    );
    const ok = await admin.post("/system/user/create", {
      username: "strong_1",
      name: "强密码",
      password: STRONG,
    });
    expect(ok.status).toBe(200);
    const { sys_user } = t.deps.db.t;
    const made = await t.deps.db.orm.select().from(sys_user).where(eq(sys_user.username, "weak_1"));
    expect(made).toEqual([]);
  });
});

describe("resetting, changing, registering, recovering", () => {
  test("an administrator's reset", async () => {
    const target = await createScopedUser(t);
    const admin = client(t, await authHeaders(t, "admin"));
    await expectRefused(
      await admin.put("/system/user/reset/password", { id: target.id, password: "Password1" }),
      "reset",
    );
    await expectRefused(
      await admin.put("/system/user/reset/password", { id: target.id, password: `${target.username}2024` }),
      "reset with own username",
    );
    expect((await admin.put("/system/user/reset/password", { id: target.id, password: STRONG })).status).toBe(
      200,
    );
  });

  test("changing one's own password", async () => {
    const u = await createScopedUser(t);
    const { sys_user } = t.deps.db.t;
    await t.deps.db.orm
      .update(sys_user)
      .set({ password: await t.deps.hasher.hash("Current-horse-battery-1") })
      .where(eq(sys_user.id, u.id));
    const api = client(t, u.headers);
    for (const new_password of ["baseball", "Football1", "fastapi-admin", `${u.username}!`]) {
      await expectRefused(
        await api.put("/system/user/current/password/change", {
          old_password: "Current-horse-battery-1",
          new_password,
        }),
        new_password,
      );
    }
    const ok = await api.put("/system/user/current/password/change", {
      old_password: "Current-horse-battery-1",
      new_password: STRONG,
    });
    expect(ok.status).toBe(200);
  });

  test("self-registration", async () => {
    const anon = client(t);
    await expectRefused(
      await anon.post("/system/user/register", { username: "newcomer", password: "trustno1" }),
      "common",
    );
    await expectRefused(
      await anon.post("/system/user/register", { username: "newcomer", password: "newcomer123" }),
      "own username",
    );
    expect(
      (await anon.post("/system/user/register", { username: "newcomer", password: STRONG })).status,
    ).toBe(200);
  });

  test("recovery: the new password is checked before the code", async () => {
    const webhook = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () => new Response(null, { status: 204 }),
    });
    const rec = await createTestApp({
      FORGET_PASSWORD_ENABLE: "true",
      RECOVERY_SENDER: "webhook",
      RECOVERY_WEBHOOK_URL: `http://127.0.0.1:${webhook.port}/`,
    });
    try {
      const res = await rec.request("/api/v1/system/user/forget/password/reset", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ username: "user", captcha: "12345678", new_password: "Superman1" }),
      });
      await expectRefused(res, "recovery");
    } finally {
      await rec.close();
      webhook.stop(true);
    }
  });
});

describe("the CLI's reset-password", () => {
  test("refuses a common password before touching the database", () => {
    const dir = mkdtempSync(join(tmpdir(), "hono-admin-weak-"));
    try {
      const run = (password: string) =>
        Bun.spawnSync(["bun", "run", "scripts/cli.ts", "reset-password", "admin", "--password", password], {
          cwd: new URL("../..", import.meta.url).pathname,
          env: { ...process.env, DATABASE_URL: `file:${join(dir, "cli.db")}`, CACHE_DRIVER: "memory" },
        });
      for (const password of ["Password123", "admin-admin"]) {
        const res = run(password);
        expect({ password, code: res.exitCode }).toEqual({ password, code: 2 });
        expect(res.stderr.toString()).toContain("too common or guessable");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000); // two CLI processes on a busy machine
});
