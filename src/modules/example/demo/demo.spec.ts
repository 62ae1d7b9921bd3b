import { type DemoOut, demo01Input, demo01Out, demoInput, demoOut } from "./demo.schema";

/**
 * What tells demo from demo01: table, permission prefix, the word in success messages, file
 * names, and whether rows carry demo's typed columns a–i. Everything else is shared code.
 */
export interface ExampleSpec {
  key: "demo" | "demo01";
  table: "gen_demo" | "gen_demo01";
  /** `module_example:<key>` */
  permission: string;
  /** "示例" / "示例01" in the success messages. */
  label: string;
  /** demo's typed columns, absent from demo01. */
  typedFields: boolean;
  exportFile: string;
  templateFile: string;
  input: typeof demoInput | typeof demo01Input;
  out: typeof demoOut | typeof demo01Out;
}

export const TYPED_FIELDS = [
  "a",
  "b",
  "c",
  "d",
  "e",
  "f",
  "g",
  "h",
  "i",
] as const satisfies readonly (keyof DemoOut)[];

export const DEMO: ExampleSpec = {
  key: "demo",
  table: "gen_demo",
  permission: "module_example:demo",
  label: "示例",
  typedFields: true,
  exportFile: "demo.xlsx",
  templateFile: "示例导入模板.xlsx",
  input: demoInput,
  out: demoOut,
};

export const DEMO01: ExampleSpec = {
  key: "demo01",
  table: "gen_demo01",
  permission: "module_example:demo01",
  label: "示例01",
  typedFields: false,
  exportFile: "demo01.xlsx",
  templateFile: "示例01导入模板.xlsx",
  input: demo01Input,
  out: demo01Out,
};
