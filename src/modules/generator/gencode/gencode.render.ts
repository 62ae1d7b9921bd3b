import { badRequest } from "@/core/http/errors";
import { RenderError, renderModule } from "../templates";
import type { GeneratedFile, GenTableInput } from "../templates/types";

/**
 * The bridge to the templates (src/modules/generator/templates): preview, ZIP and output all
 * render through here. A config the templates cannot generate is the caller's 400, with their text.
 */
export async function renderFiles(input: GenTableInput): Promise<GeneratedFile[]> {
  try {
    return renderModule(input);
  } catch (err) {
    if (err instanceof RenderError) throw badRequest(err.message);
    throw err;
  }
}
