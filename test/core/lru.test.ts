import { expect, test } from "bun:test";
import { Lru } from "@/core/lru";

test("beyond its capacity the least recently used entry is dropped; a read counts as a use", () => {
  const lru = new Lru<string, number>(3);
  lru.set("a", 1);
  lru.set("b", 2);
  lru.set("c", 3);
  expect(lru.get("a")).toBe(1); // a is now the most recently used
  lru.set("d", 4); // drops b
  expect(lru.size).toBe(3);
  expect(lru.get("b")).toBeUndefined();
  expect([lru.get("a"), lru.get("c"), lru.get("d")]).toEqual([1, 3, 4]);
  lru.set("c", 30); // a write of a kept key replaces it and counts as a use
  lru.set("e", 5); // drops a (used before d and c)
  expect(lru.get("a")).toBeUndefined();
  expect([lru.get("c"), lru.get("d"), lru.get("e")]).toEqual([30, 4, 5]);
});

test("delete and clear", () => {
  const lru = new Lru<string, number>(2);
  lru.set("a", 1);
  lru.set("b", 2);
  lru.delete("a");
  expect(lru.get("a")).toBeUndefined();
  expect(lru.size).toBe(1);
  lru.clear();
  expect(lru.size).toBe(0);
  expect(lru.get("b")).toBeUndefined();
});
