/**
 * `bun run start` (and `bun start`) run this file in their own process. Bun runs a package.json
 * script as a child of a `bun run` process that stays alive beside the server; a file named like
 * the script it runs itself, so what `bun run start` starts is the server (or the WORKERS
 * supervisor) and nothing else. Everything lives in src/entry/bun.ts.
 */
import "./src/entry/bun.ts";
