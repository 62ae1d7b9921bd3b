CREATE TABLE `task_job` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(16) NOT NULL DEFAULT 'pending',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`job_id` varchar(64) NOT NULL,
	`job_name` varchar(128),
	`trigger_type` varchar(32),
	`next_run_time` varchar(64),
	`job_state` text,
	`result` text,
	`error` text,
	CONSTRAINT `task_job_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_task_job_uuid` UNIQUE(`uuid`)
);
--> statement-breakpoint
CREATE TABLE `task_node` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`name` varchar(64) NOT NULL,
	`code` varchar(32) NOT NULL,
	`jobstore` varchar(64) DEFAULT 'default',
	`executor` varchar(64) DEFAULT 'default',
	`trigger` varchar(64),
	`trigger_args` text,
	`func` text,
	`args` text,
	`kwargs` text,
	`coalesce` boolean DEFAULT false,
	`max_instances` int DEFAULT 1,
	`start_date` varchar(64),
	`end_date` varchar(64),
	`created_id` int,
	`updated_id` int,
	`deleted_id` int,
	CONSTRAINT `task_node_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_task_node_uuid` UNIQUE(`uuid`),
	CONSTRAINT `uq_task_node_code` UNIQUE(`code`)
);
--> statement-breakpoint
CREATE TABLE `task_workflow` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`name` varchar(128) NOT NULL,
	`code` varchar(64) NOT NULL,
	`workflow_status` varchar(32) NOT NULL DEFAULT 'draft',
	`nodes` json,
	`edges` json,
	`created_id` int,
	`updated_id` int,
	`deleted_id` int,
	CONSTRAINT `task_workflow_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_task_workflow_uuid` UNIQUE(`uuid`),
	CONSTRAINT `uq_task_workflow_code` UNIQUE(`code`)
);
--> statement-breakpoint
CREATE TABLE `task_workflow_node_type` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`name` varchar(128) NOT NULL,
	`code` varchar(64) NOT NULL,
	`category` varchar(32) NOT NULL DEFAULT 'action',
	`func` text NOT NULL,
	`args` text,
	`kwargs` text,
	`sort_order` int NOT NULL DEFAULT 0,
	`is_active` boolean NOT NULL DEFAULT true,
	`created_id` int,
	`updated_id` int,
	`deleted_id` int,
	CONSTRAINT `task_workflow_node_type_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_task_workflow_node_type_uuid` UNIQUE(`uuid`),
	CONSTRAINT `uq_task_workflow_node_type_code` UNIQUE(`code`)
);
--> statement-breakpoint
ALTER TABLE `task_node` ADD CONSTRAINT `fk_task_node_created_id` FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `task_node` ADD CONSTRAINT `fk_task_node_updated_id` FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `task_node` ADD CONSTRAINT `fk_task_node_deleted_id` FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `task_workflow` ADD CONSTRAINT `fk_task_workflow_created_id` FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `task_workflow` ADD CONSTRAINT `fk_task_workflow_updated_id` FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `task_workflow` ADD CONSTRAINT `fk_task_workflow_deleted_id` FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `task_workflow_node_type` ADD CONSTRAINT `fk_task_workflow_node_type_created_id` FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `task_workflow_node_type` ADD CONSTRAINT `fk_task_workflow_node_type_updated_id` FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `task_workflow_node_type` ADD CONSTRAINT `fk_task_workflow_node_type_deleted_id` FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
CREATE INDEX `ix_task_job_status` ON `task_job` (`status`);--> statement-breakpoint
CREATE INDEX `ix_task_job_created_time` ON `task_job` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_task_job_updated_time` ON `task_job` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_task_job_is_deleted` ON `task_job` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_task_job_deleted_time` ON `task_job` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_task_job_job_id` ON `task_job` (`job_id`);--> statement-breakpoint
CREATE INDEX `ix_task_node_status` ON `task_node` (`status`);--> statement-breakpoint
CREATE INDEX `ix_task_node_created_time` ON `task_node` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_task_node_updated_time` ON `task_node` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_task_node_is_deleted` ON `task_node` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_task_node_deleted_time` ON `task_node` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_task_node_created_id` ON `task_node` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_task_node_updated_id` ON `task_node` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_task_node_deleted_id` ON `task_node` (`deleted_id`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_status` ON `task_workflow` (`status`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_created_time` ON `task_workflow` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_updated_time` ON `task_workflow` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_is_deleted` ON `task_workflow` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_deleted_time` ON `task_workflow` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_created_id` ON `task_workflow` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_updated_id` ON `task_workflow` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_deleted_id` ON `task_workflow` (`deleted_id`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_status` ON `task_workflow_node_type` (`status`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_created_time` ON `task_workflow_node_type` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_updated_time` ON `task_workflow_node_type` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_is_deleted` ON `task_workflow_node_type` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_deleted_time` ON `task_workflow_node_type` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_created_id` ON `task_workflow_node_type` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_updated_id` ON `task_workflow_node_type` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_deleted_id` ON `task_workflow_node_type` (`deleted_id`);