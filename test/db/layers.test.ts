import { expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/* The bottom and top of the layering: db/ imports nothing from src/; entries know no module. */

const root = new URL("../..", import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "migrations" ? [] : sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*["']([^"']+)["']/g)].map((m) => m[1]);

test("db/ (tables, migrations, seed data) imports nothing from src/", () => {
  const offending = sources(join(root, "db")).flatMap((file) =>
    importsOf(file)
      .filter((spec) => spec.startsWith(".") && relative(root, join(file, "..", spec)).startsWith("src"))
      .map((spec) => `${relative(root, file)} -> ${spec}`),
  );
  expect(offending).toEqual([]);
});

test("the entries reach no module directly (background work comes through the app)", () => {
  const offending = sources(join(root, "src/entry")).flatMap((file) =>
    importsOf(file)
      .filter(
        (spec) => spec.startsWith(".") && relative(root, join(file, "..", spec)).startsWith("src/modules"),
      )
      .map((spec) => `${relative(root, file)} -> ${spec}`),
  );
  expect(offending).toEqual([]);
});
