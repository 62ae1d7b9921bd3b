// Registry written by the code generator: it rewrites this file, merging its entries.
import type { AppDeps } from "@/core/context";
import type { Router } from "@/core/http/router";

/**
 * Modules written by the code generator (POST /generator/gencode/output), mounted under /api/v1
 * after the hand-written ones (src/modules/index.ts). The generator rewrites this file, merging
 * its entries; do not add hand-written modules here.
 */
export const generatedModules: { path: string; router: (deps: AppDeps) => Router }[] = [];
