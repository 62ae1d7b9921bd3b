import { setDefaultTimeout } from "bun:test";

// Bun 1.4 ignores `[test] timeout` in bunfig.toml; integration tests on MariaDB under load need
// more than the 5 s default (hooks included).
setDefaultTimeout(30_000);
