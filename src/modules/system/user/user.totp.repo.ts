import { and, count, eq, isNull, lt, or } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { affectedRowsOf } from "@/core/db/dialect";
import { nowString } from "@/core/http/datetime";

export type TotpRow = Database["t"]["sys_user_totp"]["$inferSelect"];

export async function findTotp(db: Database, userId: number): Promise<TotpRow | null> {
  const { sys_user_totp } = db.t;
  const [row] = await db.orm.select().from(sys_user_totp).where(eq(sys_user_totp.user_id, userId)).limit(1);
  return row ?? null;
}

/** Whether any enabled, live role of the user asks for a second factor. */
export async function totpRequiredFor(db: Database, userId: number): Promise<boolean> {
  const { sys_user_roles, sys_role, sys_role_totp } = db.t;
  const [row] = await db.orm
    .select({ id: sys_role.id })
    .from(sys_user_roles)
    .innerJoin(sys_role, eq(sys_role.id, sys_user_roles.role_id))
    .innerJoin(sys_role_totp, eq(sys_role_totp.role_id, sys_role.id))
    .where(and(eq(sys_user_roles.user_id, userId), eq(sys_role.status, "0"), eq(sys_role.is_deleted, false)))
    .limit(1);
  return !!row;
}

/**
 * A new pending enrolment replaces a pending one; an enabled factor is never overwritten here
 * (answers false then). One transaction, so two concurrent set-ups leave one row.
 */
export async function savePendingTotp(db: Database, userId: number, secret: string): Promise<boolean> {
  const { sys_user_totp, sys_user_totp_recovery } = db.t;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ enabled: sys_user_totp.enabled })
      .from(sys_user_totp)
      .where(eq(sys_user_totp.user_id, userId))
      .limit(1);
    if (row?.enabled) return false;
    await tx.delete(sys_user_totp_recovery).where(eq(sys_user_totp_recovery.user_id, userId));
    if (row)
      await tx
        .update(sys_user_totp)
        .set({ secret, enabled: false, last_step: null, enabled_time: null })
        .where(eq(sys_user_totp.user_id, userId));
    else await tx.insert(sys_user_totp).values({ user_id: userId, secret, enabled: false });
    return true;
  });
}

/**
 * Turns a pending enrolment on with its first code's time step and stores the recovery codes'
 * hashes; false when it was not pending any more (a concurrent confirmation won).
 */
export async function enableTotp(
  db: Database,
  userId: number,
  step: number,
  recoveryHashes: string[],
): Promise<boolean> {
  const { sys_user_totp, sys_user_totp_recovery } = db.t;
  return db.transaction(async (tx) => {
    const result = await tx
      .update(sys_user_totp)
      .set({ enabled: true, last_step: step, enabled_time: nowString() })
      .where(and(eq(sys_user_totp.user_id, userId), eq(sys_user_totp.enabled, false)));
    if (affectedRowsOf(result) !== 1) return false;
    await tx.delete(sys_user_totp_recovery).where(eq(sys_user_totp_recovery.user_id, userId));
    await tx
      .insert(sys_user_totp_recovery)
      .values(recoveryHashes.map((code_hash) => ({ user_id: userId, code_hash })));
    return true;
  });
}

/**
 * Records `step` as used when it is newer than every step used before: the compare-and-set that
 * makes a code one-time, also across concurrent logins and instances. Answers whether it won.
 */
export async function useTimeStep(db: Database, userId: number, step: number): Promise<boolean> {
  const { sys_user_totp } = db.t;
  const result = await db.orm
    .update(sys_user_totp)
    .set({ last_step: step })
    .where(
      and(
        eq(sys_user_totp.user_id, userId),
        eq(sys_user_totp.enabled, true),
        or(isNull(sys_user_totp.last_step), lt(sys_user_totp.last_step, step)),
      ),
    );
  return affectedRowsOf(result) === 1;
}

/** Spends an unused recovery code (compare-and-set on `used_time`); answers whether it was one. */
export async function useRecoveryCode(db: Database, userId: number, codeHash: string): Promise<boolean> {
  const { sys_user_totp_recovery } = db.t;
  const result = await db.orm
    .update(sys_user_totp_recovery)
    .set({ used_time: nowString() })
    .where(
      and(
        eq(sys_user_totp_recovery.user_id, userId),
        eq(sys_user_totp_recovery.code_hash, codeHash),
        isNull(sys_user_totp_recovery.used_time),
      ),
    );
  return affectedRowsOf(result) === 1;
}

export async function unusedRecoveryCodes(db: Database, userId: number): Promise<number> {
  const { sys_user_totp_recovery } = db.t;
  const [row] = await db.orm
    .select({ n: count() })
    .from(sys_user_totp_recovery)
    .where(and(eq(sys_user_totp_recovery.user_id, userId), isNull(sys_user_totp_recovery.used_time)));
  return Number(row?.n ?? 0);
}

/** Removes the user's second factor and recovery codes; answers whether there was one. */
export async function deleteTotp(db: Database, userId: number): Promise<boolean> {
  const { sys_user_totp, sys_user_totp_recovery } = db.t;
  return db.transaction(async (tx) => {
    await tx.delete(sys_user_totp_recovery).where(eq(sys_user_totp_recovery.user_id, userId));
    const result = await tx.delete(sys_user_totp).where(eq(sys_user_totp.user_id, userId));
    return affectedRowsOf(result) > 0;
  });
}
