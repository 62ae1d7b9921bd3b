CREATE TABLE `sys_dept` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`name` text(64) NOT NULL,
	`order` integer DEFAULT 999 NOT NULL,
	`code` text(16) NOT NULL,
	`leader` text(32),
	`phone` text(11),
	`email` text(64),
	`parent_id` integer,
	FOREIGN KEY (`parent_id`) REFERENCES `sys_dept`(`id`) ON UPDATE cascade ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_dept_uuid` ON `sys_dept` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_sys_dept_status` ON `sys_dept` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_dept_created_time` ON `sys_dept` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_dept_updated_time` ON `sys_dept` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_dept_is_deleted` ON `sys_dept` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_dept_deleted_time` ON `sys_dept` (`deleted_time`);--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_dept_code` ON `sys_dept` (`code`);--> statement-breakpoint
CREATE INDEX `ix_sys_dept_parent_id` ON `sys_dept` (`parent_id`);--> statement-breakpoint
CREATE TABLE `sys_dict_data` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`dict_sort` integer DEFAULT 0 NOT NULL,
	`dict_label` text(255) NOT NULL,
	`dict_value` text(255) NOT NULL,
	`css_class` text(255),
	`list_class` text(255),
	`is_default` integer DEFAULT false NOT NULL,
	`dict_type` text(255) NOT NULL,
	`dict_type_id` integer NOT NULL,
	FOREIGN KEY (`dict_type_id`) REFERENCES `sys_dict_type`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_dict_data_uuid` ON `sys_dict_data` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_data_status` ON `sys_dict_data` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_data_created_time` ON `sys_dict_data` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_data_updated_time` ON `sys_dict_data` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_data_is_deleted` ON `sys_dict_data` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_data_deleted_time` ON `sys_dict_data` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_data_dict_type` ON `sys_dict_data` (`dict_type`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_data_dict_type_id` ON `sys_dict_data` (`dict_type_id`);--> statement-breakpoint
CREATE TABLE `sys_dict_type` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`dict_name` text(64) NOT NULL,
	`dict_type` text(255) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_dict_type_uuid` ON `sys_dict_type` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_type_status` ON `sys_dict_type` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_type_created_time` ON `sys_dict_type` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_type_updated_time` ON `sys_dict_type` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_type_is_deleted` ON `sys_dict_type` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_type_deleted_time` ON `sys_dict_type` (`deleted_time`);--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_dict_type_dict_type` ON `sys_dict_type` (`dict_type`);--> statement-breakpoint
CREATE TABLE `sys_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`type` integer NOT NULL,
	`request_path` text(255) NOT NULL,
	`request_method` text(10) NOT NULL,
	`request_payload` text,
	`request_ip` text(50),
	`login_location` text(255),
	`request_os` text(64),
	`request_browser` text(64),
	`response_code` integer NOT NULL,
	`response_json` text,
	`process_time` text(20),
	`created_id` integer,
	`updated_id` integer,
	`deleted_id` integer,
	FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_log_uuid` ON `sys_log` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_status` ON `sys_log` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_created_time` ON `sys_log` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_updated_time` ON `sys_log` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_is_deleted` ON `sys_log` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_deleted_time` ON `sys_log` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_type` ON `sys_log` (`type`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_created_id` ON `sys_log` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_updated_id` ON `sys_log` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_deleted_id` ON `sys_log` (`deleted_id`);--> statement-breakpoint
CREATE TABLE `sys_menu` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`name` text(50) NOT NULL,
	`type` integer DEFAULT 2 NOT NULL,
	`order` integer DEFAULT 999 NOT NULL,
	`permission` text(100),
	`icon` text(50),
	`route_name` text(100),
	`route_path` text(200),
	`component_path` text(200),
	`redirect` text(200),
	`hidden` integer DEFAULT false NOT NULL,
	`keep_alive` integer DEFAULT true NOT NULL,
	`always_show` integer DEFAULT false NOT NULL,
	`title` text(50),
	`params` text,
	`affix` integer DEFAULT false NOT NULL,
	`client` text(20) DEFAULT 'pc' NOT NULL,
	`parent_id` integer,
	FOREIGN KEY (`parent_id`) REFERENCES `sys_menu`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_menu_uuid` ON `sys_menu` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_sys_menu_status` ON `sys_menu` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_menu_created_time` ON `sys_menu` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_menu_updated_time` ON `sys_menu` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_menu_is_deleted` ON `sys_menu` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_menu_deleted_time` ON `sys_menu` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_menu_parent_id` ON `sys_menu` (`parent_id`);--> statement-breakpoint
CREATE TABLE `sys_notice` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`notice_title` text(64) NOT NULL,
	`notice_type` text(1) NOT NULL,
	`notice_content` text,
	`created_id` integer,
	`updated_id` integer,
	`deleted_id` integer,
	FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_notice_uuid` ON `sys_notice` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_sys_notice_status` ON `sys_notice` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_notice_created_time` ON `sys_notice` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_notice_updated_time` ON `sys_notice` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_notice_is_deleted` ON `sys_notice` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_notice_deleted_time` ON `sys_notice` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_notice_created_id` ON `sys_notice` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_notice_updated_id` ON `sys_notice` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_notice_deleted_id` ON `sys_notice` (`deleted_id`);--> statement-breakpoint
CREATE TABLE `sys_param` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`config_name` text(64) NOT NULL,
	`config_key` text(500) NOT NULL,
	`config_value` text(500),
	`config_type` integer DEFAULT false
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_param_uuid` ON `sys_param` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_sys_param_status` ON `sys_param` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_param_created_time` ON `sys_param` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_param_updated_time` ON `sys_param` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_param_is_deleted` ON `sys_param` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_param_deleted_time` ON `sys_param` (`deleted_time`);--> statement-breakpoint
CREATE TABLE `sys_position` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`name` text(64) NOT NULL,
	`order` integer DEFAULT 1 NOT NULL,
	`created_id` integer,
	`updated_id` integer,
	`deleted_id` integer,
	FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_position_uuid` ON `sys_position` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_sys_position_status` ON `sys_position` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_position_created_time` ON `sys_position` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_position_updated_time` ON `sys_position` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_position_is_deleted` ON `sys_position` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_position_deleted_time` ON `sys_position` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_position_created_id` ON `sys_position` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_position_updated_id` ON `sys_position` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_position_deleted_id` ON `sys_position` (`deleted_id`);--> statement-breakpoint
CREATE TABLE `sys_role` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`name` text(64) NOT NULL,
	`code` text(16) NOT NULL,
	`order` integer DEFAULT 999 NOT NULL,
	`data_scope` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_role_uuid` ON `sys_role` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_sys_role_status` ON `sys_role` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_role_created_time` ON `sys_role` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_role_updated_time` ON `sys_role` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_role_is_deleted` ON `sys_role` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_role_deleted_time` ON `sys_role` (`deleted_time`);--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_role_code` ON `sys_role` (`code`);--> statement-breakpoint
CREATE TABLE `sys_role_depts` (
	`role_id` integer NOT NULL,
	`dept_id` integer NOT NULL,
	PRIMARY KEY(`role_id`, `dept_id`),
	FOREIGN KEY (`role_id`) REFERENCES `sys_role`(`id`) ON UPDATE cascade ON DELETE cascade,
	FOREIGN KEY (`dept_id`) REFERENCES `sys_dept`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ix_sys_role_depts_dept_id` ON `sys_role_depts` (`dept_id`);--> statement-breakpoint
CREATE TABLE `sys_role_menus` (
	`role_id` integer NOT NULL,
	`menu_id` integer NOT NULL,
	PRIMARY KEY(`role_id`, `menu_id`),
	FOREIGN KEY (`role_id`) REFERENCES `sys_role`(`id`) ON UPDATE cascade ON DELETE cascade,
	FOREIGN KEY (`menu_id`) REFERENCES `sys_menu`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ix_sys_role_menus_menu_id` ON `sys_role_menus` (`menu_id`);--> statement-breakpoint
CREATE TABLE `sys_tenant` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`name` text(100) NOT NULL,
	`code` text(100) NOT NULL,
	`start_time` text,
	`end_time` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_tenant_uuid` ON `sys_tenant` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_sys_tenant_status` ON `sys_tenant` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_tenant_created_time` ON `sys_tenant` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_tenant_updated_time` ON `sys_tenant` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_tenant_is_deleted` ON `sys_tenant` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_tenant_deleted_time` ON `sys_tenant` (`deleted_time`);--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_tenant_name` ON `sys_tenant` (`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_tenant_code` ON `sys_tenant` (`code`);--> statement-breakpoint
CREATE TABLE `sys_user` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uuid` text(64) NOT NULL,
	`status` text(10) DEFAULT '0' NOT NULL,
	`description` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	`is_deleted` integer DEFAULT false NOT NULL,
	`deleted_time` text,
	`username` text(64) NOT NULL,
	`password` text(255) NOT NULL,
	`name` text(32) NOT NULL,
	`mobile` text(11),
	`email` text(64),
	`gender` text(1) DEFAULT '2',
	`avatar` text(255),
	`is_superuser` integer DEFAULT false NOT NULL,
	`last_login` text,
	`gitee_login` text(32),
	`github_login` text(32),
	`wx_login` text(32),
	`qq_login` text(32),
	`dept_id` integer,
	`tenant_id` integer DEFAULT 1 NOT NULL,
	`created_id` integer,
	`updated_id` integer,
	`deleted_id` integer,
	FOREIGN KEY (`dept_id`) REFERENCES `sys_dept`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`tenant_id`) REFERENCES `sys_tenant`(`id`) ON UPDATE cascade ON DELETE restrict,
	FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null,
	FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_user_uuid` ON `sys_user` (`uuid`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_status` ON `sys_user` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_created_time` ON `sys_user` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_updated_time` ON `sys_user` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_is_deleted` ON `sys_user` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_deleted_time` ON `sys_user` (`deleted_time`);--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_user_username` ON `sys_user` (`username`);--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_user_mobile` ON `sys_user` (`mobile`);--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_user_email` ON `sys_user` (`email`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_dept_id` ON `sys_user` (`dept_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_tenant_id` ON `sys_user` (`tenant_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_created_id` ON `sys_user` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_updated_id` ON `sys_user` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_deleted_id` ON `sys_user` (`deleted_id`);--> statement-breakpoint
CREATE TABLE `sys_user_positions` (
	`user_id` integer NOT NULL,
	`position_id` integer NOT NULL,
	PRIMARY KEY(`user_id`, `position_id`),
	FOREIGN KEY (`user_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE cascade,
	FOREIGN KEY (`position_id`) REFERENCES `sys_position`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ix_sys_user_positions_position_id` ON `sys_user_positions` (`position_id`);--> statement-breakpoint
CREATE TABLE `sys_user_roles` (
	`user_id` integer NOT NULL,
	`role_id` integer NOT NULL,
	PRIMARY KEY(`user_id`, `role_id`),
	FOREIGN KEY (`user_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE cascade,
	FOREIGN KEY (`role_id`) REFERENCES `sys_role`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ix_sys_user_roles_role_id` ON `sys_user_roles` (`role_id`);