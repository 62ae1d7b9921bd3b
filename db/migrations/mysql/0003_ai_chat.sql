CREATE TABLE `ai_chat_message` (
	`id` int AUTO_INCREMENT NOT NULL,
	`session_id` int NOT NULL,
	`run_id` varchar(64) NOT NULL,
	`role` varchar(16) NOT NULL,
	`content` longtext NOT NULL,
	`tool_calls` json,
	`tool_call_id` varchar(64),
	`tool_name` varchar(64),
	`state` varchar(16) NOT NULL DEFAULT 'ok',
	`prompt_tokens` int,
	`completion_tokens` int,
	`created_time` datetime NOT NULL,
	CONSTRAINT `ai_chat_message_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `ai_chat_session` (
	`id` int AUTO_INCREMENT NOT NULL,
	`session_id` varchar(64) NOT NULL,
	`user_id` int NOT NULL,
	`dept_id` int,
	`title` varchar(255) NOT NULL,
	`summary` text,
	`prompt_tokens` int NOT NULL DEFAULT 0,
	`completion_tokens` int NOT NULL DEFAULT 0,
	`created_time` datetime NOT NULL,
	`updated_time` datetime NOT NULL,
	CONSTRAINT `ai_chat_session_id` PRIMARY KEY(`id`),
	CONSTRAINT `uq_ai_chat_session_session_id` UNIQUE(`session_id`)
);
--> statement-breakpoint
ALTER TABLE `ai_chat_message` ADD CONSTRAINT `fk_ai_chat_message_session_id` FOREIGN KEY (`session_id`) REFERENCES `ai_chat_session`(`id`) ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `ai_chat_session` ADD CONSTRAINT `fk_ai_chat_session_user_id` FOREIGN KEY (`user_id`) REFERENCES `sys_user`(`id`) ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE `ai_chat_session` ADD CONSTRAINT `fk_ai_chat_session_dept_id` FOREIGN KEY (`dept_id`) REFERENCES `sys_dept`(`id`) ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
CREATE INDEX `ix_ai_chat_message_session_id` ON `ai_chat_message` (`session_id`);--> statement-breakpoint
CREATE INDEX `ix_ai_chat_session_user_id` ON `ai_chat_session` (`user_id`);--> statement-breakpoint
CREATE INDEX `ix_ai_chat_session_updated_time` ON `ai_chat_session` (`updated_time`);