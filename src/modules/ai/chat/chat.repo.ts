import { and, asc, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { allOf, selectPage } from "@/core/db/query";
import type { PageQuery } from "@/core/http/pagination";

export type SessionRow = Database["t"]["ai_chat_session"]["$inferSelect"];
export type MessageRow = Database["t"]["ai_chat_message"]["$inferSelect"];
type MessageInsert = Database["t"]["ai_chat_message"]["$inferInsert"];

/** The caller's sessions: every query below is narrowed to one owner. */
const owned = (db: Database, userId: number) => eq(db.t.ai_chat_session.user_id, userId);

export function pageSessions(
  db: Database,
  userId: number,
  where: SQL | undefined,
  orderBy: SQL[],
  page: Pick<PageQuery, "page_no" | "page_size">,
) {
  const { ai_chat_session } = db.t;
  return selectPage<SessionRow>(db, ai_chat_session, allOf(owned(db, userId), where), orderBy, page);
}

export async function findSession(
  db: Database,
  userId: number,
  sessionId: string,
): Promise<SessionRow | undefined> {
  const { ai_chat_session: t } = db.t;
  const [row] = await db.orm
    .select()
    .from(t)
    .where(and(owned(db, userId), eq(t.session_id, sessionId)))
    .limit(1);
  return row;
}

/** Which of `sessionIds` the user owns (their row ids). */
export async function ownedSessionIds(db: Database, userId: number, sessionIds: string[]) {
  const { ai_chat_session: t } = db.t;
  return db.orm
    .select({ id: t.id, session_id: t.session_id })
    .from(t)
    .where(and(owned(db, userId), inArray(t.session_id, sessionIds)));
}

export async function insertSession(
  db: Database,
  values: { session_id: string; user_id: number; dept_id: number | null; title: string },
): Promise<number> {
  return db.insertId(await db.orm.insert(db.t.ai_chat_session).values(values));
}

export async function renameSession(db: Database, id: number, title: string) {
  await db.orm.update(db.t.ai_chat_session).set({ title }).where(eq(db.t.ai_chat_session.id, id));
}

/** Messages go with their session (ON DELETE CASCADE, and explicitly for databases without FKs). */
export async function deleteSessions(db: Database, ids: number[]) {
  const { ai_chat_session, ai_chat_message } = db.t;
  await db.transaction(async (tx) => {
    await tx.delete(ai_chat_message).where(inArray(ai_chat_message.session_id, ids));
    await tx.delete(ai_chat_session).where(inArray(ai_chat_session.id, ids));
  });
}

/** Adds a turn's token counts to the session and marks it as just used. */
export async function touchSession(db: Database, id: number, promptTokens: number, completionTokens: number) {
  const { ai_chat_session: t } = db.t;
  await db.orm
    .update(t)
    .set({
      prompt_tokens: sql`${t.prompt_tokens} + ${promptTokens}`,
      completion_tokens: sql`${t.completion_tokens} + ${completionTokens}`,
    })
    .where(eq(t.id, id));
}

export async function insertMessage(db: Database, values: MessageInsert): Promise<number> {
  return db.insertId(await db.orm.insert(db.t.ai_chat_message).values(values));
}

export async function sessionMessages(db: Database, sessionIds: number[]): Promise<MessageRow[]> {
  if (!sessionIds.length) return [];
  const { ai_chat_message: m } = db.t;
  return db.orm.select().from(m).where(inArray(m.session_id, sessionIds)).orderBy(asc(m.id));
}

/** The last `limit` user/assistant texts of a session, oldest first (the model's context). */
export async function recentTexts(db: Database, sessionId: number, limit: number): Promise<MessageRow[]> {
  if (limit <= 0) return [];
  const { ai_chat_message: m } = db.t;
  const rows = await db.orm
    .select()
    .from(m)
    .where(and(eq(m.session_id, sessionId), inArray(m.role, ["user", "assistant"]), sql`${m.content} <> ''`))
    .orderBy(desc(m.id))
    .limit(limit);
  return rows.reverse();
}

/** Per session: its exchanges (run ids with their first time) and its user/assistant text count. */
export async function runHeaders(db: Database, sessionIds: number[]) {
  if (!sessionIds.length) return [];
  const { ai_chat_message: m } = db.t;
  return db.orm
    .select({
      session_id: m.session_id,
      run_id: m.run_id,
      first_id: sql<number>`min(${m.id})`,
      created_time: sql<string>`min(${m.created_time})`,
      texts: sql<number>`sum(case when ${m.role} in ('user', 'assistant') and ${m.content} <> '' then 1 else 0 end)`,
      prompt_tokens: sql<number>`coalesce(sum(${m.prompt_tokens}), 0)`,
      completion_tokens: sql<number>`coalesce(sum(${m.completion_tokens}), 0)`,
    })
    .from(m)
    .where(inArray(m.session_id, sessionIds))
    .groupBy(m.session_id, m.run_id);
}

/** Department names by id (a session shows its owner's department, upstream's `team_name`). */
export async function deptNames(db: Database, ids: number[]): Promise<Map<number, string>> {
  if (!ids.length) return new Map();
  const { sys_dept } = db.t;
  const rows = await db.orm
    .select({ id: sys_dept.id, name: sys_dept.name })
    .from(sys_dept)
    .where(inArray(sys_dept.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}
