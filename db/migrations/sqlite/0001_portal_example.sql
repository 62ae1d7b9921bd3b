CREATE TABLE `app_portal` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`name` text(64) NOT NULL,
	`access_url` text(500) NOT NULL,
	`icon_url` text(300),
	`tenant_id` integer DEFAULT 1 NOT NULL,
	`created_id` integer,
	`updated_id` integer,
	`deleted_id` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `sys_tenant`(`id`) ON UPDATE cascade ON DELETE restrict,
	FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_app_portal_uuid` ON `app_portal` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_app_portal_status` ON `app_portal` (`status`);--> statement-breakpoint
CREATE INDEX `ix_app_portal_created_time` ON `app_portal` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_app_portal_updated_time` ON `app_portal` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_app_portal_is_deleted` ON `app_portal` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_app_portal_deleted_time` ON `app_portal` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_app_portal_tenant_id` ON `app_portal` (`tenant_id`);--> statement-breakpoint
CREATE INDEX `ix_app_portal_created_id` ON `app_portal` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_app_portal_updated_id` ON `app_portal` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_app_portal_deleted_id` ON `app_portal` (`deleted_id`);--> statement-breakpoint
CREATE TABLE `gen_demo` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`name` text(64) NOT NULL,
	`a` integer,
	`b` integer,
	`c` real,
	`d` integer DEFAULT true NOT NULL,
	`e` text,
	`f` text,
	`g` text,
	`h` text,
	`i` text,
	`created_id` integer,
	`updated_id` integer,
	`deleted_id` integer,
	FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_gen_demo_uuid` ON `gen_demo` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo_status` ON `gen_demo` (`status`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo_created_time` ON `gen_demo` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo_updated_time` ON `gen_demo` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo_is_deleted` ON `gen_demo` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo_deleted_time` ON `gen_demo` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo_created_id` ON `gen_demo` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo_updated_id` ON `gen_demo` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo_deleted_id` ON `gen_demo` (`deleted_id`);--> statement-breakpoint
CREATE TABLE `gen_demo01` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`name` text(64) NOT NULL,
	`created_id` integer,
	`updated_id` integer,
	`deleted_id` integer,
	FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_gen_demo01_uuid` ON `gen_demo01` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo01_status` ON `gen_demo01` (`status`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo01_created_time` ON `gen_demo01` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo01_updated_time` ON `gen_demo01` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo01_is_deleted` ON `gen_demo01` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo01_deleted_time` ON `gen_demo01` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo01_created_id` ON `gen_demo01` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo01_updated_id` ON `gen_demo01` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo01_deleted_id` ON `gen_demo01` (`deleted_id`);