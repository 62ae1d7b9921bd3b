ALTER TABLE `sys_dept` ADD `tenant_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX `ix_sys_dept_tenant_id` ON `sys_dept` (`tenant_id`);--> statement-breakpoint
ALTER TABLE `sys_log` ADD `tenant_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX `ix_sys_log_tenant_id` ON `sys_log` (`tenant_id`);--> statement-breakpoint
ALTER TABLE `sys_notice` ADD `tenant_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX `ix_sys_notice_tenant_id` ON `sys_notice` (`tenant_id`);--> statement-breakpoint
ALTER TABLE `sys_position` ADD `tenant_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX `ix_sys_position_tenant_id` ON `sys_position` (`tenant_id`);--> statement-breakpoint
ALTER TABLE `sys_role` ADD `tenant_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX `ix_sys_role_tenant_id` ON `sys_role` (`tenant_id`);--> statement-breakpoint
ALTER TABLE `task_node` ADD `tenant_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX `ix_task_node_tenant_id` ON `task_node` (`tenant_id`);--> statement-breakpoint
ALTER TABLE `task_workflow` ADD `tenant_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX `ix_task_workflow_tenant_id` ON `task_workflow` (`tenant_id`);--> statement-breakpoint
ALTER TABLE `task_workflow_node_type` ADD `tenant_id` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_tenant_id` ON `task_workflow_node_type` (`tenant_id`);