CREATE TABLE `sys_dept` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`name` varchar(64) NOT NULL,
	`order` int NOT NULL DEFAULT 999,
	`code` varchar(16) NOT NULL,
	`leader` varchar(32),
	`phone` varchar(11),
	`email` varchar(64),
	`parent_id` int,
	CONSTRAINT `sys_dept_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_sys_dept_uuid` UNIQUE(`uuid`),
	CONSTRAINT `uq_sys_dept_code` UNIQUE(`code`)
);
--> statement-breakpoint
CREATE TABLE `sys_dict_data` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`dict_sort` int NOT NULL DEFAULT 0,
	`dict_label` varchar(255) NOT NULL,
	`dict_value` varchar(255) NOT NULL,
	`css_class` varchar(255),
	`list_class` varchar(255),
	`is_default` boolean NOT NULL DEFAULT false,
	`dict_type` varchar(255) NOT NULL,
	`dict_type_id` int NOT NULL,
	CONSTRAINT `sys_dict_data_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_sys_dict_data_uuid` UNIQUE(`uuid`)
);
--> statement-breakpoint
CREATE TABLE `sys_dict_type` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`dict_name` varchar(64) NOT NULL,
	`dict_type` varchar(255) NOT NULL,
	CONSTRAINT `sys_dict_type_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_sys_dict_type_uuid` UNIQUE(`uuid`),
	CONSTRAINT `uq_sys_dict_type_dict_type` UNIQUE(`dict_type`)
);
--> statement-breakpoint
CREATE TABLE `sys_log` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`type` int NOT NULL,
	`request_path` varchar(255) NOT NULL,
	`request_method` varchar(10) NOT NULL,
	`request_payload` longtext,
	`request_ip` varchar(50),
	`login_location` varchar(255),
	`request_os` varchar(64),
	`request_browser` varchar(64),
	`response_code` int NOT NULL,
	`response_json` longtext,
	`process_time` varchar(20),
	`created_id` int,
	`updated_id` int,
	`deleted_id` int,
	CONSTRAINT `sys_log_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_sys_log_uuid` UNIQUE(`uuid`)
);
--> statement-breakpoint
CREATE TABLE `sys_menu` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`name` varchar(50) NOT NULL,
	`type` int NOT NULL DEFAULT 2,
	`order` int NOT NULL DEFAULT 999,
	`permission` varchar(100),
	`icon` varchar(50),
	`route_name` varchar(100),
	`route_path` varchar(200),
	`component_path` varchar(200),
	`redirect` varchar(200),
	`hidden` boolean NOT NULL DEFAULT false,
	`keep_alive` boolean NOT NULL DEFAULT true,
	`always_show` boolean NOT NULL DEFAULT false,
	`title` varchar(50),
	`params` json,
	`affix` boolean NOT NULL DEFAULT false,
	`client` varchar(20) NOT NULL DEFAULT 'pc',
	`parent_id` int,
	CONSTRAINT `sys_menu_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_sys_menu_uuid` UNIQUE(`uuid`)
);
--> statement-breakpoint
CREATE TABLE `sys_notice` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`notice_title` varchar(64) NOT NULL,
	`notice_type` varchar(1) NOT NULL,
	`notice_content` text,
	`created_id` int,
	`updated_id` int,
	`deleted_id` int,
	CONSTRAINT `sys_notice_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_sys_notice_uuid` UNIQUE(`uuid`)
);
--> statement-breakpoint
CREATE TABLE `sys_param` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`config_name` varchar(64) NOT NULL,
	`config_key` varchar(500) NOT NULL,
	`config_value` varchar(500),
	`config_type` boolean DEFAULT false,
	CONSTRAINT `sys_param_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_sys_param_uuid` UNIQUE(`uuid`)
);
--> statement-breakpoint
CREATE TABLE `sys_position` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`name` varchar(64) NOT NULL,
	`order` int NOT NULL DEFAULT 1,
	`created_id` int,
	`updated_id` int,
	`deleted_id` int,
	CONSTRAINT `sys_position_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_sys_position_uuid` UNIQUE(`uuid`)
);
--> statement-breakpoint
CREATE TABLE `sys_role` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`name` varchar(64) NOT NULL,
	`code` varchar(16) NOT NULL,
	`order` int NOT NULL DEFAULT 999,
	`data_scope` int NOT NULL DEFAULT 1,
	CONSTRAINT `sys_role_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_sys_role_uuid` UNIQUE(`uuid`),
	CONSTRAINT `uq_sys_role_code` UNIQUE(`code`)
);
--> statement-breakpoint
CREATE TABLE `sys_role_depts` (
	`role_id` int NOT NULL,
	`dept_id` int NOT NULL,
	CONSTRAINT `sys_role_depts_role_id_dept_id_pk` PRIMARY KEY(`role_id`,`dept_id`)
);
--> statement-breakpoint
CREATE TABLE `sys_role_menus` (
	`role_id` int NOT NULL,
	`menu_id` int NOT NULL,
	CONSTRAINT `sys_role_menus_role_id_menu_id_pk` PRIMARY KEY(`role_id`,`menu_id`)
);
--> statement-breakpoint
CREATE TABLE `sys_tenant` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`name` varchar(100) NOT NULL,
	`code` varchar(100) NOT NULL,
	`start_time` datetime,
	`end_time` datetime,
	CONSTRAINT `sys_tenant_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_sys_tenant_uuid` UNIQUE(`uuid`),
	CONSTRAINT `uq_sys_tenant_name` UNIQUE(`name`),
	CONSTRAINT `uq_sys_tenant_code` UNIQUE(`code`)
);
--> statement-breakpoint
CREATE TABLE `sys_user` (
	`id` int AUTO_INCREMENT NOT NULL,
	`uuid` varchar(64) NOT NULL,
	`status` varchar(10) NOT NULL DEFAULT '0',
	`description` text,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	`is_deleted` boolean NOT NULL DEFAULT false,
	`deleted_time` datetime,
	`username` varchar(64) NOT NULL,
	`password` varchar(255) NOT NULL,
	`name` varchar(32) NOT NULL,
	`mobile` varchar(11),
	`email` varchar(64),
	`gender` varchar(1) DEFAULT '2',
	`avatar` varchar(255),
	`is_superuser` boolean NOT NULL DEFAULT false,
	`last_login` datetime,
	`gitee_login` varchar(32),
	`github_login` varchar(32),
	`wx_login` varchar(32),
	`qq_login` varchar(32),
	`dept_id` int,
	`tenant_id` int NOT NULL DEFAULT 1,
	`created_id` int,
	`updated_id` int,
	`deleted_id` int,
	CONSTRAINT `sys_user_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_sys_user_uuid` UNIQUE(`uuid`),
	CONSTRAINT `uq_sys_user_username` UNIQUE(`username`),
	CONSTRAINT `uq_sys_user_mobile` UNIQUE(`mobile`),
	CONSTRAINT `uq_sys_user_email` UNIQUE(`email`)
);
--> statement-breakpoint
CREATE TABLE `sys_user_positions` (
	`user_id` int NOT NULL,
	`position_id` int NOT NULL,
	CONSTRAINT `sys_user_positions_user_id_position_id_pk` PRIMARY KEY(`user_id`,`position_id`)
);
--> statement-breakpoint
CREATE TABLE `sys_user_roles` (
	`user_id` int NOT NULL,
	`role_id` int NOT NULL,
	CONSTRAINT `sys_user_roles_user_id_role_id_pk` PRIMARY KEY(`user_id`,`role_id`)
);
--> statement-breakpoint
ALTER TABLE `sys_dept` ADD CONSTRAINT `fk_sys_dept_parent_id` FOREIGN KEY (`parent_id`) REFERENCES `sys_dept`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_dict_data` ADD CONSTRAINT `fk_sys_dict_data_dict_type_id` FOREIGN KEY (`dict_type_id`) REFERENCES `sys_dict_type`(`id`) ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `sys_log` ADD CONSTRAINT `fk_sys_log_created_id` FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_log` ADD CONSTRAINT `fk_sys_log_updated_id` FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_log` ADD CONSTRAINT `fk_sys_log_deleted_id` FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_menu` ADD CONSTRAINT `fk_sys_menu_parent_id` FOREIGN KEY (`parent_id`) REFERENCES `sys_menu`(`id`) ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE `sys_notice` ADD CONSTRAINT `fk_sys_notice_created_id` FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_notice` ADD CONSTRAINT `fk_sys_notice_updated_id` FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_notice` ADD CONSTRAINT `fk_sys_notice_deleted_id` FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_position` ADD CONSTRAINT `fk_sys_position_created_id` FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_position` ADD CONSTRAINT `fk_sys_position_updated_id` FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_position` ADD CONSTRAINT `fk_sys_position_deleted_id` FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_role_depts` ADD CONSTRAINT `fk_sys_role_depts_role_id` FOREIGN KEY (`role_id`) REFERENCES `sys_role`(`id`) ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_role_depts` ADD CONSTRAINT `fk_sys_role_depts_dept_id` FOREIGN KEY (`dept_id`) REFERENCES `sys_dept`(`id`) ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_role_menus` ADD CONSTRAINT `fk_sys_role_menus_role_id` FOREIGN KEY (`role_id`) REFERENCES `sys_role`(`id`) ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_role_menus` ADD CONSTRAINT `fk_sys_role_menus_menu_id` FOREIGN KEY (`menu_id`) REFERENCES `sys_menu`(`id`) ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_user` ADD CONSTRAINT `fk_sys_user_dept_id` FOREIGN KEY (`dept_id`) REFERENCES `sys_dept`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_user` ADD CONSTRAINT `fk_sys_user_tenant_id` FOREIGN KEY (`tenant_id`) REFERENCES `sys_tenant`(`id`) ON DELETE restrict ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_user` ADD CONSTRAINT `fk_sys_user_created_id` FOREIGN KEY (`created_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_user` ADD CONSTRAINT `fk_sys_user_updated_id` FOREIGN KEY (`updated_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_user` ADD CONSTRAINT `fk_sys_user_deleted_id` FOREIGN KEY (`deleted_id`) REFERENCES `sys_user`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_user_positions` ADD CONSTRAINT `fk_sys_user_positions_user_id` FOREIGN KEY (`user_id`) REFERENCES `sys_user`(`id`) ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_user_positions` ADD CONSTRAINT `fk_sys_user_positions_position_id` FOREIGN KEY (`position_id`) REFERENCES `sys_position`(`id`) ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_user_roles` ADD CONSTRAINT `fk_sys_user_roles_user_id` FOREIGN KEY (`user_id`) REFERENCES `sys_user`(`id`) ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_user_roles` ADD CONSTRAINT `fk_sys_user_roles_role_id` FOREIGN KEY (`role_id`) REFERENCES `sys_role`(`id`) ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
CREATE INDEX `ix_sys_dept_status` ON `sys_dept` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_dept_created_time` ON `sys_dept` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_dept_updated_time` ON `sys_dept` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_dept_is_deleted` ON `sys_dept` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_dept_deleted_time` ON `sys_dept` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_dept_parent_id` ON `sys_dept` (`parent_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_data_status` ON `sys_dict_data` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_data_created_time` ON `sys_dict_data` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_data_updated_time` ON `sys_dict_data` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_data_is_deleted` ON `sys_dict_data` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_data_deleted_time` ON `sys_dict_data` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_data_dict_type` ON `sys_dict_data` (`dict_type`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_data_dict_type_id` ON `sys_dict_data` (`dict_type_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_type_status` ON `sys_dict_type` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_type_created_time` ON `sys_dict_type` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_type_updated_time` ON `sys_dict_type` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_type_is_deleted` ON `sys_dict_type` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_dict_type_deleted_time` ON `sys_dict_type` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_status` ON `sys_log` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_created_time` ON `sys_log` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_updated_time` ON `sys_log` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_is_deleted` ON `sys_log` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_deleted_time` ON `sys_log` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_type` ON `sys_log` (`type`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_created_id` ON `sys_log` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_updated_id` ON `sys_log` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_log_deleted_id` ON `sys_log` (`deleted_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_menu_status` ON `sys_menu` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_menu_created_time` ON `sys_menu` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_menu_updated_time` ON `sys_menu` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_menu_is_deleted` ON `sys_menu` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_menu_deleted_time` ON `sys_menu` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_menu_parent_id` ON `sys_menu` (`parent_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_notice_status` ON `sys_notice` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_notice_created_time` ON `sys_notice` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_notice_updated_time` ON `sys_notice` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_notice_is_deleted` ON `sys_notice` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_notice_deleted_time` ON `sys_notice` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_notice_created_id` ON `sys_notice` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_notice_updated_id` ON `sys_notice` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_notice_deleted_id` ON `sys_notice` (`deleted_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_param_status` ON `sys_param` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_param_created_time` ON `sys_param` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_param_updated_time` ON `sys_param` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_param_is_deleted` ON `sys_param` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_param_deleted_time` ON `sys_param` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_position_status` ON `sys_position` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_position_created_time` ON `sys_position` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_position_updated_time` ON `sys_position` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_position_is_deleted` ON `sys_position` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_position_deleted_time` ON `sys_position` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_position_created_id` ON `sys_position` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_position_updated_id` ON `sys_position` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_position_deleted_id` ON `sys_position` (`deleted_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_role_status` ON `sys_role` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_role_created_time` ON `sys_role` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_role_updated_time` ON `sys_role` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_role_is_deleted` ON `sys_role` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_role_deleted_time` ON `sys_role` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_role_depts_dept_id` ON `sys_role_depts` (`dept_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_role_menus_menu_id` ON `sys_role_menus` (`menu_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_tenant_status` ON `sys_tenant` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_tenant_created_time` ON `sys_tenant` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_tenant_updated_time` ON `sys_tenant` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_tenant_is_deleted` ON `sys_tenant` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_tenant_deleted_time` ON `sys_tenant` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_status` ON `sys_user` (`status`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_created_time` ON `sys_user` (`created_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_updated_time` ON `sys_user` (`updated_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_is_deleted` ON `sys_user` (`is_deleted`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_deleted_time` ON `sys_user` (`deleted_time`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_dept_id` ON `sys_user` (`dept_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_tenant_id` ON `sys_user` (`tenant_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_created_id` ON `sys_user` (`created_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_updated_id` ON `sys_user` (`updated_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_deleted_id` ON `sys_user` (`deleted_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_positions_position_id` ON `sys_user_positions` (`position_id`);--> statement-breakpoint
CREATE INDEX `ix_sys_user_roles_role_id` ON `sys_user_roles` (`role_id`);