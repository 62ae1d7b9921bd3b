import type { Database } from "@/core/db/database";
import { conflict } from "./errors";

/**
 * Runs a write whose uniqueness a service checked beforehand. A unique-index violation then means
 * a concurrent request passed the same check: it becomes the same readable 409 (`message`).
 */
export async function conflictOnDuplicate<T>(
  db: Pick<Database, "isUniqueViolation">,
  message: string,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (db.isUniqueViolation(err)) throw conflict(message);
    throw err;
  }
}
