import { defineE2ESuite } from "./suite";
import { startWorkerRuntime, workerPrerequisites } from "./support/runtimes";

await defineE2ESuite("e2e · Worker under workerd", workerPrerequisites, startWorkerRuntime);
