import { defineE2ESuite } from "./suite";
import { bunPrerequisites, startBunRuntime } from "./support/runtimes";

await defineE2ESuite("e2e · Bun server", bunPrerequisites, startBunRuntime);
