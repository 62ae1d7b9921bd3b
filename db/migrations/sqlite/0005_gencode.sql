CREATE TABLE `gen_table` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`table_name` text(200) DEFAULT '' NOT NULL,
	`table_comment` text(500),
	`class_name` text(100) DEFAULT '' NOT NULL,
	`package_name` text(100),
	`module_name` text(30),
	`business_name` text(30),
	`function_name` text(100),
	`sub_table_name` text(64),
	`sub_table_fk_name` text(64),
	`parent_menu_id` integer,
	`created_id` integer,
	`updated_id` integer,
	`deleted_id` integer,
	FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_gen_table_uuid` ON `gen_table` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_status` ON `gen_table` (`status`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_created_time` ON `gen_table` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_updated_time` ON `gen_table` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_is_deleted` ON `gen_table` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_deleted_time` ON `gen_table` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_list` ON `gen_table` (`is_deleted`,`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_created_id` ON `gen_table` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_updated_id` ON `gen_table` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_gen_table_deleted_id` ON `gen_table` (`deleted_id`);--> statement-breakpoint
CREATE TABLE `gen_table_column` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`column_name` text(200) NOT NULL,
	`column_comment` text(500),
	`column_type` text(100) NOT NULL,
	`column_length` text(50),
	`column_default` text(200),
	`is_pk` integer DEFAULT false NOT NULL,
	`is_increment` integer DEFAULT false NOT NULL,
	`is_nullable` integer DEFAULT true NOT NULL,
	`is_unique` integer DEFAULT false NOT NULL,
	`python_type` text(100),
	`python_field` text(200),
	`is_insert` integer DEFAULT true NOT NULL,
	`is_edit` integer DEFAULT true NOT NULL,
	`is_list` integer DEFAULT true NOT NULL,
	`is_query` integer DEFAULT false NOT NULL,
	`query_type` text(50),
	`html_type` text(100) DEFAULT 'input',
	`dict_type` text(200) DEFAULT '',
	`sort` integer DEFAULT 0 NOT NULL,
	`table_id` integer NOT NULL,
	`created_id` integer,
	`updated_id` integer,
	`deleted_id` integer,
	FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`table_id`) REFERENCES `gen_table`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_gen_table_column_uuid` ON `gen_table_column` (`uuid`);--> statement-breakpoint
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