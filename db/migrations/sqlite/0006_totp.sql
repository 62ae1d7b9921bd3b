CREATE TABLE `sys_role_totp` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`role_id` integer NOT NULL,
	`created_time` text NOT NULL,
	FOREIGN KEY (`role_id`) REFERENCES `sys_role`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_role_totp_role_id` ON `sys_role_totp` (`role_id`);--> statement-breakpoint
CREATE TABLE `sys_user_totp` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`secret` text(255) NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`last_step` integer,
	`enabled_time` text,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_user_totp_user_id` ON `sys_user_totp` (`user_id`);--> statement-breakpoint
CREATE TABLE `sys_user_totp_recovery` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`code_hash` text(64) NOT NULL,
	`used_time` text,
	`created_time` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_sys_user_totp_recovery_code` ON `sys_user_totp_recovery` (`user_id`,`code_hash`);