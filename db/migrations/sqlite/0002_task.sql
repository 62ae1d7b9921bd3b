CREATE TABLE `task_job` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(16) DEFAULT 'pending' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`job_id` text(64) NOT NULL,
	`job_name` text(128),
	`trigger_type` text(32),
	`next_run_time` text(64),
	`job_state` text,
	`result` text,
	`error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_task_job_uuid` ON `task_job` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_task_job_status` ON `task_job` (`status`);--> statement-breakpoint
CREATE INDEX `ix_task_job_created_time` ON `task_job` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_task_job_updated_time` ON `task_job` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_task_job_is_deleted` ON `task_job` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_task_job_deleted_time` ON `task_job` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_task_job_job_id` ON `task_job` (`job_id`);--> statement-breakpoint
CREATE TABLE `task_node` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`name` text(64) NOT NULL,
	`code` text(32) NOT NULL,
	`jobstore` text(64) DEFAULT 'default',
	`executor` text(64) DEFAULT 'default',
	`trigger` text(64),
	`trigger_args` text,
	`func` text,
	`args` text,
	`kwargs` text,
	`coalesce` integer DEFAULT false,
	`max_instances` integer DEFAULT 1,
	`start_date` text(64),
	`end_date` text(64),
	`created_id` integer,
	`updated_id` integer,
	`deleted_id` integer,
	FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_task_node_uuid` ON `task_node` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_task_node_status` ON `task_node` (`status`);--> statement-breakpoint
CREATE INDEX `ix_task_node_created_time` ON `task_node` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_task_node_updated_time` ON `task_node` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_task_node_is_deleted` ON `task_node` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_task_node_deleted_time` ON `task_node` (`deleted_time`);--> statement-breakpoint
CREATE UNIQUE INDEX `uq_task_node_code` ON `task_node` (`code`);--> statement-breakpoint
CREATE INDEX `ix_task_node_created_id` ON `task_node` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_task_node_updated_id` ON `task_node` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_task_node_deleted_id` ON `task_node` (`deleted_id`);--> statement-breakpoint
CREATE TABLE `task_workflow` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`name` text(128) NOT NULL,
	`code` text(64) NOT NULL,
	`workflow_status` text(32) DEFAULT 'draft' NOT NULL,
	`nodes` text,
	`edges` text,
	`created_id` integer,
	`updated_id` integer,
	`deleted_id` integer,
	FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_task_workflow_uuid` ON `task_workflow` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_status` ON `task_workflow` (`status`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_created_time` ON `task_workflow` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_updated_time` ON `task_workflow` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_is_deleted` ON `task_workflow` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_deleted_time` ON `task_workflow` (`deleted_time`);--> statement-breakpoint
CREATE UNIQUE INDEX `uq_task_workflow_code` ON `task_workflow` (`code`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_created_id` ON `task_workflow` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_updated_id` ON `task_workflow` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_deleted_id` ON `task_workflow` (`deleted_id`);--> statement-breakpoint
CREATE TABLE `task_workflow_node_type` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`name` text(128) NOT NULL,
	`code` text(64) NOT NULL,
	`category` text(32) DEFAULT 'action' NOT NULL,
	`func` text NOT NULL,
	`args` text,
	`kwargs` text,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	`created_id` integer,
	`updated_id` integer,
	`deleted_id` integer,
	FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_task_workflow_node_type_uuid` ON `task_workflow_node_type` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_status` ON `task_workflow_node_type` (`status`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_created_time` ON `task_workflow_node_type` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_updated_time` ON `task_workflow_node_type` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_is_deleted` ON `task_workflow_node_type` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_deleted_time` ON `task_workflow_node_type` (`deleted_time`);--> statement-breakpoint
CREATE UNIQUE INDEX `uq_task_workflow_node_type_code` ON `task_workflow_node_type` (`code`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_created_id` ON `task_workflow_node_type` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_updated_id` ON `task_workflow_node_type` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_deleted_id` ON `task_workflow_node_type` (`deleted_id`);