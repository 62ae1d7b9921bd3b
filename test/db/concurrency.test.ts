import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { WriteLockError } from "@/core/db/write-lock";
import { createTestDatabase, type TestDatabase, testDialect } from "../support/db";

/*
 * Stack-notes pitfall 1: on a `file:` database an open interactive transaction made every other
 * write of the process fail with SQLITE_BUSY. The write lock must make them wait instead. The same
 * tests run on MariaDB, where row locks give the same outcome.
 */

const logRow = (tag: string) => ({
  type: 2,
  request_path: `/t/${tag}`,
  request_method: "POST",
  response_code: 200,
});

/** Fails fast instead of letting a deadlock run into the test timeout. */
function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<T>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms),
    ),
  ]);
}

/** The innermost `cause` of the rejection (drizzle wraps driver-level errors in DrizzleQueryError). */
async function rootCause(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    let e = err as { cause?: unknown };
    while (e.cause) e = e.cause as { cause?: unknown };
    return e;
  }
  throw new Error("expected a rejection");
}

describe(`writes beside an interactive transaction (${testDialect()})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.drop());

  const logCount = async () =>
    Number((await t.db.orm.select({ n: sql<number>`count(*)` }).from(t.db.t.sys_log))[0].n);
  const roleOrder = async () =>
    (
      await t.db.orm
        .select({ order: t.db.t.sys_role.order })
        .from(t.db.t.sys_role)
        .where(eq(t.db.t.sys_role.id, 1))
    )[0].order;

  test("50 concurrent inserts/updates during a long transaction: none fails, none is lost", async () => {
    const { db } = t;
    const { sys_log, sys_role } = db.t;
    const logsBefore = await logCount();
    const orderBefore = await roleOrder();

    let started!: () => void;
    const txStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const txDone = db.transaction(async (tx) => {
      await tx.insert(sys_log).values(logRow("tx-1"));
      started();
      await Bun.sleep(150);
      await tx
        .update(sys_role)
        .set({ order: sql`${sys_role.order} + 1000` })
        .where(eq(sys_role.id, 1));
      await tx.insert(sys_log).values(logRow("tx-2"));
      return "committed";
    });
    await txStarted;

    const inserts = Array.from({ length: 25 }, (_, i) =>
      db.orm
        .insert(sys_log)
        .values(logRow(`w${i}`))
        .then((r) => ({ i, id: db.insertId(r) })),
    );
    const updates = Array.from({ length: 25 }, () =>
      db.orm
        .update(sys_role)
        .set({ order: sql`${sys_role.order} + 1` })
        .where(eq(sys_role.id, 1)),
    );
    const settled = await within(10_000, Promise.allSettled([...inserts, ...updates]), "concurrent writes");
    expect(await txDone).toBe("committed");

    const failures = settled.filter((s) => s.status === "rejected");
    expect(failures).toEqual([]);
    expect(await logCount()).toBe(logsBefore + 27);
    expect(await roleOrder()).toBe(orderBefore + 1000 + 25);

    // every insert got its own id, and that id is the row it wrote
    const ids = await Promise.all(inserts);
    expect(new Set(ids.map((x) => x.id)).size).toBe(25);
    for (const { i, id } of ids) {
      const [row] = await db.orm
        .select({ path: sys_log.request_path })
        .from(sys_log)
        .where(eq(sys_log.id, id));
      expect(row.path).toBe(`/t/w${i}`);
    }
  });

  test("reads are not held up by an open transaction", async () => {
    const { db } = t;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started!: () => void;
    const txStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const txDone = db.transaction(async (tx) => {
      await tx.insert(db.t.sys_log).values(logRow("reader"));
      started();
      await gate;
    });
    await txStarted;
    try {
      // the uncommitted row is invisible, and the read returns while the transaction is open
      const rows = await within(
        2_000,
        db.orm.select().from(db.t.sys_log).where(eq(db.t.sys_log.request_path, "/t/reader")),
        "read during a transaction",
      );
      expect(rows).toEqual([]);
    } finally {
      release();
      await txDone;
    }
    expect(
      (await db.orm.select().from(db.t.sys_log).where(eq(db.t.sys_log.request_path, "/t/reader"))).length,
    ).toBe(1);
  });

  test("a failing transaction rolls back and lets the queued writes through", async () => {
    const { db } = t;
    const before = await logCount();
    let started!: () => void;
    const txStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const failing = db.transaction(async (tx) => {
      await tx.insert(db.t.sys_log).values(logRow("doomed-1"));
      started();
      await Bun.sleep(50);
      await tx.insert(db.t.sys_log).values(logRow("doomed-2"));
      throw new Error("business rule says no");
    });
    await txStarted;
    const queued = Promise.all(
      Array.from({ length: 10 }, (_, i) => db.orm.insert(db.t.sys_log).values(logRow(`q${i}`))),
    );
    await expect(failing).rejects.toThrow("business rule says no");
    await within(5_000, queued, "writes queued behind a failed transaction");
    expect(await logCount()).toBe(before + 10);
    const doomed = await db.orm
      .select()
      .from(db.t.sys_log)
      .where(sql`${db.t.sys_log.request_path} like '/t/doomed%'`);
    expect(doomed).toEqual([]);
    // a database error inside a transaction rolls it back too, and the lock is free afterwards
    await expect(
      db.transaction(async (tx) => {
        await tx.insert(db.t.sys_log).values(logRow("dup-1"));
        await tx.insert(db.t.sys_user).values({ username: "admin", password: "x", name: "dup" });
      }),
    ).rejects.toThrow();
    expect(await db.orm.select().from(db.t.sys_log).where(eq(db.t.sys_log.request_path, "/t/dup-1"))).toEqual(
      [],
    );
    await within(
      2_000,
      db.orm.insert(db.t.sys_log).values(logRow("after")),
      "write after a failed transaction",
    );
  });

  test("concurrent transactions are serialised without losing updates", async () => {
    const { db } = t;
    const before = await roleOrder();
    const logsBefore = await logCount();
    await within(
      10_000,
      Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          db.transaction(async (tx) => {
            await tx.insert(db.t.sys_log).values(logRow(`ctx${i}`));
            await Bun.sleep(5);
            await tx
              .update(db.t.sys_role)
              .set({ order: sql`${db.t.sys_role.order} + 1` })
              .where(eq(db.t.sys_role.id, 1));
          }),
        ),
      ),
      "concurrent transactions",
    );
    expect(await roleOrder()).toBe(before + 10);
    expect(await logCount()).toBe(logsBefore + 10);
  });

  test.skipIf(testDialect() !== "sqlite")(
    "writing around the transaction from inside it fails loudly instead of deadlocking",
    async () => {
      const { db } = t;
      const attempt = db.transaction(async (tx) => {
        await tx.insert(db.t.sys_log).values(logRow("inner-ok"));
        await db.orm.insert(db.t.sys_log).values(logRow("inner-wrong"));
      });
      expect(await rootCause(within(2_000, attempt, "misrouted write"))).toBeInstanceOf(WriteLockError);
      const nested = db.transaction(async () => {
        await db.transaction(async () => {});
      });
      expect(await rootCause(within(2_000, nested, "nested transaction"))).toBeInstanceOf(WriteLockError);
      // nothing of either attempt was kept, and the lock is free
      expect(
        await db.orm.select().from(db.t.sys_log).where(sql`${db.t.sys_log.request_path} like '/t/inner%'`),
      ).toEqual([]);
      await within(2_000, db.orm.insert(db.t.sys_log).values(logRow("free")), "write after misuse");
    },
  );
});
