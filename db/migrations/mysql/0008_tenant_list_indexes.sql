DROP INDEX `ix_app_portal_list` ON `app_portal`;--> statement-breakpoint
DROP INDEX `ix_sys_dept_list` ON `sys_dept`;--> statement-breakpoint
DROP INDEX `ix_sys_log_list` ON `sys_log`;--> statement-breakpoint
DROP INDEX `ix_sys_log_list_type` ON `sys_log`;--> statement-breakpoint
DROP INDEX `ix_sys_log_list_request_ip` ON `sys_log`;--> statement-breakpoint
DROP INDEX `ix_sys_log_list_created_time` ON `sys_log`;--> statement-breakpoint
DROP INDEX `ix_sys_notice_list` ON `sys_notice`;--> statement-breakpoint
DROP INDEX `ix_sys_position_list` ON `sys_position`;--> statement-breakpoint
DROP INDEX `ix_sys_role_list` ON `sys_role`;--> statement-breakpoint
DROP INDEX `ix_sys_user_list` ON `sys_user`;--> statement-breakpoint
DROP INDEX `ix_sys_user_list_dept_id` ON `sys_user`;--> statement-breakpoint
DROP INDEX `ix_sys_user_list_status` ON `sys_user`;--> statement-breakpoint
DROP INDEX `ix_sys_user_list_created_time` ON `sys_user`;--> statement-breakpoint
DROP INDEX `ix_task_node_list` ON `task_node`;--> statement-breakpoint
DROP INDEX `ix_task_workflow_list` ON `task_workflow`;--> statement-breakpoint
DROP INDEX `ix_task_workflow_node_type_list` ON `task_workflow_node_type`;--> statement-breakpoint
CREATE INDEX `ix_app_portal_list` ON `app_portal` (`is_deleted`,`tenant_id`,`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_dept_list` ON `sys_dept` (`is_deleted`,`tenant_id`,`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_list` ON `sys_log` (`is_deleted`,`tenant_id`,`updated_time`,`id`,`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_list_type` ON `sys_log` (`type`,`is_deleted`,`tenant_id`,`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_list_request_ip` ON `sys_log` (`request_ip`,`is_deleted`,`tenant_id`,`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_list_created_time` ON `sys_log` (`created_time`,`is_deleted`,`tenant_id`,`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_notice_list` ON `sys_notice` (`is_deleted`,`tenant_id`,`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_position_list` ON `sys_position` (`is_deleted`,`tenant_id`,`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_role_list` ON `sys_role` (`is_deleted`,`tenant_id`,`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_list` ON `sys_user` (`is_deleted`,`tenant_id`,`updated_time`,`id`,`created_time`,`username`,`name`,`mobile`,`email`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_list_dept_id` ON `sys_user` (`dept_id`,`is_deleted`,`tenant_id`,`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_list_status` ON `sys_user` (`status`,`is_deleted`,`tenant_id`,`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_list_created_time` ON `sys_user` (`created_time`,`is_deleted`,`tenant_id`,`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_task_node_list` ON `task_node` (`is_deleted`,`tenant_id`,`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_list` ON `task_workflow` (`is_deleted`,`tenant_id`,`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_task_workflow_node_type_list` ON `task_workflow_node_type` (`is_deleted`,`tenant_id`,`updated_time`);