import type { SQL } from "drizzle-orm";
import type { Database } from "@/core/db/database";
import { liveRows } from "@/core/db/live-rows";

export type PortalRow = Database["t"]["app_portal"]["$inferSelect"];

/** Live applications only: soft-deleted rows are gone for every read. */
const portals = liveRows("app_portal");

export const selectPortalPage = portals.page;
export const selectPortals = portals.all;
export const findPortal = portals.find;
export const insertPortal = portals.insert;
export const updatePortals = portals.update;

/** Whether another live application (not `exceptId`, within `tenant`) already has this name. */
export const nameTaken = (db: Database, name: string, exceptId?: number, tenant?: SQL) =>
  portals.taken(db, "name", name, exceptId, tenant);
