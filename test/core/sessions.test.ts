import { expect, test } from "bun:test";
import { createSessionStore, type Session } from "@/core/auth/sessions";
import { createMemoryCache } from "@/core/cache/memory";

function setup(idle: number, max: number) {
  let clock = 1_000_000_000_000;
  const now = () => clock;
  const cache = createMemoryCache({ now });
  const store = createSessionStore(cache, { SESSION_IDLE_SECONDS: idle, SESSION_MAX_SECONDS: max }, now);
  const session = (over: Partial<Session> = {}): Session => ({
    session_id: "s1",
    user_id: 7,
    user_name: "u",
    name: "U",
    ipaddr: null,
    login_location: null,
    os: null,
    browser: null,
    login_time: null,
    login_type: null,
    created_at: clock,
    last_seen: clock,
    refresh_id: "r1",
    ...over,
  });
  return { store, session, advance: (s: number) => (clock += s * 1000), cache };
}

test("a session unused for the idle timeout ends; use slides it", async () => {
  const { store, session, advance } = setup(600, 86_400);
  await store.create(session());
  advance(590);
  const s = (await store.get(7, "s1"))!;
  expect(await store.touch(s)).toBe(true);
  advance(590);
  expect(await store.get(7, "s1")).not.toBeNull();
  advance(11);
  expect(await store.get(7, "s1")).toBeNull();
});

test("however busy, a session ends at its absolute lifetime", async () => {
  const { store, session, advance } = setup(600, 1_000);
  await store.create(session());
  for (let i = 0; i < 3; i++) {
    advance(300);
    const s = (await store.get(7, "s1"))!;
    expect(s).not.toBeNull();
    await store.touch(s);
  }
  advance(101); // 1001 s after creation
  expect(await store.get(7, "s1")).toBeNull();
});

test("ending all of a user's sessions leaves other users' alone", async () => {
  const { store, session } = setup(600, 1_000);
  await store.create(session({ session_id: "a" }));
  await store.create(session({ session_id: "b" }));
  await store.create(session({ session_id: "c", user_id: 70 }));
  expect(await store.endAllOf(7)).toBe(2);
  expect((await store.list()).map((s) => s.session_id)).toEqual(["c"]);
});
