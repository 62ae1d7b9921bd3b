import type { GeneratedFile, GenTableInput } from "../templates/types";

/*
 * The bridge to the templates (src/modules/generator/templates, helper "gentpl"): preview, ZIP and
 * output all render through here. Until the renderer lands this emits a placeholder per target
 * with the generator's marker, so the endpoints' rules (paths, markers, ZIP) are exercised.
 */
export async function renderFiles(input: GenTableInput): Promise<GeneratedFile[]> {
  const out: GeneratedFile[] = [];
  for (const t of [input, ...(input.sub_table ? [input.sub_table] : [])]) {
    const p = t.package_name ?? "";
    const m = t.module_name ?? "";
    const header = `// ${t.table_name}: written by the code generator (templates pending)\n`;
    out.push(
      { path: `backend/src/modules/${p}/${m}/${m}.pending.ts`, content: `${header}export {};\n` },
      { path: `frontend/src/api/${p}/${m}.ts`, content: `${header}export {};\n` },
      {
        path: `frontend/src/views/${p}/${m}/index.vue`,
        content: `<!-- ${t.table_name}: written by the code generator (templates pending) -->\n<template><div /></template>\n`,
      },
    );
  }
  return out;
}
