import type { SQL } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { liveRows } from "@/core/db/live-rows";

export type PositionRow = Database["t"]["sys_position"]["$inferSelect"];

/** Live positions only: soft-deleted rows are gone for every read. */
const positions = liveRows("sys_position");

export const selectPositionPage = positions.page;
export const selectPositions = positions.all;
export const findPosition = positions.find;
export const insertPosition = positions.insert;
export const updatePositions = positions.update;

/** Whether another live position (not `exceptId`, within `tenant`) already has this name. */
export const nameTaken = (db: Database, name: string, exceptId?: number, tenant?: SQL) =>
  positions.taken(db, "name", name, exceptId, tenant);
