CREATE TABLE `gen_table` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`table_name` varchar(200) NOT NULL DEFAULT '',
	`table_comment` varchar(500),
	`class_name` varchar(100) NOT NULL DEFAULT '',
	`package_name` varchar(100),
	`module_name` varchar(30),
	`business_name` varchar(30),
	`function_name` varchar(100),
	`sub_table_name` varchar(64),
	`sub_table_fk_name` varchar(64),
	`parent_menu_id` int,
	`created_id` int,
	`updated_id` int,
	`deleted_id` int,
	CONSTRAINT `gen_table_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_gen_table_uuid` UNIQUE(`uuid`)
);
--> statement-breakpoint
CREATE TABLE `gen_table_column` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`column_name` varchar(200) NOT NULL,
	`column_comment` varchar(500),
	`column_type` varchar(100) NOT NULL,
	`column_length` varchar(50),
	`column_default` varchar(200),
	`is_pk` boolean NOT NULL DEFAULT false,
	`is_increment` boolean NOT NULL DEFAULT false,
	`is_nullable` boolean NOT NULL DEFAULT true,
	`is_unique` boolean NOT NULL DEFAULT false,
	`python_type` varchar(100),
	`python_field` varchar(200),
	`is_insert` boolean NOT NULL DEFAULT true,
	`is_edit` boolean NOT NULL DEFAULT true,
	`is_list` boolean NOT NULL DEFAULT true,
	`is_query` boolean NOT NULL DEFAULT false,
	`query_type` varchar(50),
	`html_type` varchar(100) DEFAULT 'input',
	`dict_type` varchar(200) DEFAULT '',
	`sort` int NOT NULL DEFAULT 0,
	`table_id` int NOT NULL,
	`created_id` int,
	`updated_id` int,
	`deleted_id` int,
	CONSTRAINT `gen_table_column_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_gen_table_column_uuid` UNIQUE(`uuid`)
);
--> statement-breakpoint
ALTER TABLE `gen_table` ADD CONSTRAINT `fk_gen_table_created_id` FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `gen_table` ADD CONSTRAINT `fk_gen_table_updated_id` FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `gen_table` ADD CONSTRAINT `fk_gen_table_deleted_id` FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `gen_table_column` ADD CONSTRAINT `fk_gen_table_column_created_id` FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `gen_table_column` ADD CONSTRAINT `fk_gen_table_column_updated_id` FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `gen_table_column` ADD CONSTRAINT `fk_gen_table_column_deleted_id` FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `gen_table_column` ADD CONSTRAINT `fk_gen_table_column_table_id` FOREIGN KEY (`table_id`) REFERENCES `gen_table`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX `ix_gen_table_status` ON `gen_table` (`status`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_created_time` ON `gen_table` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_updated_time` ON `gen_table` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_is_deleted` ON `gen_table` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_deleted_time` ON `gen_table` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_list` ON `gen_table` (`is_deleted`,`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_created_id` ON `gen_table` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_updated_id` ON `gen_table` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_deleted_id` ON `gen_table` (`deleted_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_column_status` ON `gen_table_column` (`status`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_column_created_time` ON `gen_table_column` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_column_updated_time` ON `gen_table_column` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_column_is_deleted` ON `gen_table_column` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_column_deleted_time` ON `gen_table_column` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_column_list` ON `gen_table_column` (`is_deleted`,`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_column_created_id` ON `gen_table_column` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_column_updated_id` ON `gen_table_column` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_column_deleted_id` ON `gen_table_column` (`deleted_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_column_table_id` ON `gen_table_column` (`table_id`);