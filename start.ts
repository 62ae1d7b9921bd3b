/**
 * `bun run start`: the server (src/entry/bun.ts) in this very process. Bun runs a package.json
 * script as a child of its own `bun run` process, which would stay behind as a second process
 * for every server; a file named like the script runs in-process. So `start` is this file, not
 * a script: one process per server (or one supervisor of WORKERS processes).
 */
import "./src/entry/bun.ts";
