CREATE TABLE `ai_chat_message` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` integer NOT NULL,
	`run_id` text(64) NOT NULL,
	`role` text(16) NOT NULL,
	`content` text NOT NULL,
	`tool_calls` text,
	`tool_call_id` text(64),
	`tool_name` text(64),
	`state` text(16) DEFAULT 'ok' NOT NULL,
	`prompt_tokens` integer,
	`completion_tokens` integer,
	`created_time` text NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `ai_chat_session`(`id`) ON UPDATE cascade ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ix_ai_chat_message_session_id` ON `ai_chat_message` (`session_id`);--> statement-breakpoint
CREATE TABLE `ai_chat_session` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text(64) NOT NULL,
	`user_id` integer NOT NULL,
	`dept_id` integer,
	`title` text(255) NOT NULL,
	`summary` text,
	`prompt_tokens` integer DEFAULT 0 NOT NULL,
	`completion_tokens` integer DEFAULT 0 NOT NULL,
	`created_time` text NOT NULL,
	`updated_time` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `sys_user`(`id`) ON UPDATE cascade ON DELETE cascade,
	FOREIGN KEY (`dept_id`) REFERENCES `sys_dept`(`id`) ON UPDATE cascade ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `uq_ai_chat_session_session_id` ON `ai_chat_session` (`session_id`);--> statement-breakpoint
CREATE INDEX `ix_ai_chat_session_user_id` ON `ai_chat_session` (`user_id`);--> statement-breakpoint
CREATE INDEX `ix_ai_chat_session_updated_time` ON `ai_chat_session` (`updated_time`);