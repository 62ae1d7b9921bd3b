CREATE TABLE `app_portal` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`name` varchar(64) NOT NULL,
	`access_url` varchar(500) NOT NULL,
	`icon_url` varchar(300),
	`tenant_id` int NOT NULL DEFAULT 1,
	`created_id` int,
	`updated_id` int,
	`deleted_id` int,
	CONSTRAINT `app_portal_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_app_portal_uuid` UNIQUE(`uuid`)
);
--> statement-breakpoint
CREATE TABLE `gen_demo` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`name` varchar(64) NOT NULL,
	`a` int,
	`b` bigint,
	`c` double,
	`d` boolean NOT NULL DEFAULT true,
	`e` date,
	`f` time,
	`g` datetime,
	`h` text,
	`i` json,
	`created_id` int,
	`updated_id` int,
	`deleted_id` int,
	CONSTRAINT `gen_demo_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_gen_demo_uuid` UNIQUE(`uuid`)
);
--> statement-breakpoint
CREATE TABLE `gen_demo01` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`name` varchar(64) NOT NULL,
	`created_id` int,
	`updated_id` int,
	`deleted_id` int,
	CONSTRAINT `gen_demo01_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_gen_demo01_uuid` UNIQUE(`uuid`)
);
--> statement-breakpoint
ALTER TABLE `app_portal` ADD CONSTRAINT `fk_app_portal_tenant_id` FOREIGN KEY (`tenant_id`) REFERENCES `sys_tenant`(`id`) ON DELETE restrict ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `app_portal` ADD CONSTRAINT `fk_app_portal_created_id` FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `app_portal` ADD CONSTRAINT `fk_app_portal_updated_id` FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `app_portal` ADD CONSTRAINT `fk_app_portal_deleted_id` FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `gen_demo` ADD CONSTRAINT `fk_gen_demo_created_id` FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `gen_demo` ADD CONSTRAINT `fk_gen_demo_updated_id` FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `gen_demo` ADD CONSTRAINT `fk_gen_demo_deleted_id` FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `gen_demo01` ADD CONSTRAINT `fk_gen_demo01_created_id` FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `gen_demo01` ADD CONSTRAINT `fk_gen_demo01_updated_id` FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `gen_demo01` ADD CONSTRAINT `fk_gen_demo01_deleted_id` FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
CREATE INDEX `ix_app_portal_status` ON `app_portal` (`status`);--> statement-breakpoint
CREATE INDEX `ix_app_portal_created_time` ON `app_portal` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_app_portal_updated_time` ON `app_portal` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_app_portal_is_deleted` ON `app_portal` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_app_portal_deleted_time` ON `app_portal` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_app_portal_tenant_id` ON `app_portal` (`tenant_id`);--> statement-breakpoint
CREATE INDEX `ix_app_portal_created_id` ON `app_portal` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_app_portal_updated_id` ON `app_portal` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_app_portal_deleted_id` ON `app_portal` (`deleted_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo_status` ON `gen_demo` (`status`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo_created_time` ON `gen_demo` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo_updated_time` ON `gen_demo` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo_is_deleted` ON `gen_demo` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo_deleted_time` ON `gen_demo` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo_created_id` ON `gen_demo` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo_updated_id` ON `gen_demo` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo_deleted_id` ON `gen_demo` (`deleted_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo01_status` ON `gen_demo01` (`status`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo01_created_time` ON `gen_demo01` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo01_updated_time` ON `gen_demo01` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo01_is_deleted` ON `gen_demo01` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo01_deleted_time` ON `gen_demo01` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo01_created_id` ON `gen_demo01` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo01_updated_id` ON `gen_demo01` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_demo01_deleted_id` ON `gen_demo01` (`deleted_id`);