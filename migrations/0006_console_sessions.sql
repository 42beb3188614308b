-- Issue 18: console sessions (src/console/), kept by the hash of the cookie value.
CREATE TABLE `console_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`token_secret_hash` text NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `console_sessions_expires_at` ON `console_sessions` (`expires_at`);