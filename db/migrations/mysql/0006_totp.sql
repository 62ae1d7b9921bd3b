CREATE TABLE `sys_role_totp` (
	`id` int AUTO_INCREMENT NOT NULL,
	`role_id` int NOT NULL,
	`created_time` datetime NOT NULL,
	CONSTRAINT `sys_role_totp_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_sys_role_totp_role_id` UNIQUE(`role_id`)
);
--> statement-breakpoint
CREATE TABLE `sys_user_totp` (
	`id` int AUTO_INCREMENT NOT NULL,
	`user_id` int NOT NULL,
	`secret` varchar(255) NOT NULL,
	`enabled` boolean NOT NULL DEFAULT false,
	`last_step` bigint,
	`enabled_time` datetime,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	CONSTRAINT `sys_user_totp_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_sys_user_totp_user_id` UNIQUE(`user_id`)
);
--> statement-breakpoint
CREATE TABLE `sys_user_totp_recovery` (
	`id` int AUTO_INCREMENT NOT NULL,
	`user_id` int NOT NULL,
	`code_hash` varchar(64) NOT NULL,
	`used_time` datetime,
	`created_time` datetime NOT NULL,
	CONSTRAINT `sys_user_totp_recovery_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_sys_user_totp_recovery_code` UNIQUE(`user_id`,`code_hash`)
);
--> statement-breakpoint
ALTER TABLE `sys_role_totp` ADD CONSTRAINT `fk_sys_role_totp_role_id` FOREIGN KEY (`role_id`) REFERENCES `sys_role`(`id`) ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_user_totp` ADD CONSTRAINT `fk_sys_user_totp_user_id` FOREIGN KEY (`user_id`) REFERENCES `sys_user`(`id`) ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `sys_user_totp_recovery` ADD CONSTRAINT `fk_sys_user_totp_recovery_user_id` FOREIGN KEY (`user_id`) REFERENCES `sys_user`(`id`) ON DELETE cascade ON UPDATE cascade;