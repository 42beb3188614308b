CREATE TABLE `advisory_items` (
	`feed_id` text NOT NULL,
	`guid` text NOT NULL,
	`vendor_id` text NOT NULL,
	`content_hash` text NOT NULL,
	`data` text NOT NULL,
	`first_seen` text NOT NULL,
	`last_seen` text NOT NULL,
	PRIMARY KEY(`feed_id`, `guid`)
);
--> statement-breakpoint
CREATE INDEX `advisory_vendor` ON `advisory_items` (`vendor_id`);--> statement-breakpoint
CREATE TABLE `anchors` (
	`vendor_id` text NOT NULL,
	`sha256` text NOT NULL,
	`spki_sha256` text NOT NULL,
	`subject` text NOT NULL,
	`der` blob NOT NULL,
	`not_before` text NOT NULL,
	`not_after` text NOT NULL,
	`state` text NOT NULL,
	`distrust_after` text,
	`source` text NOT NULL,
	`proposed_by` text,
	`approved_by` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`vendor_id`, `sha256`),
	FOREIGN KEY (`vendor_id`) REFERENCES `vendors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `anchors_sha256` ON `anchors` (`sha256`);--> statement-breakpoint
CREATE INDEX `anchors_spki` ON `anchors` (`spki_sha256`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target_type` text NOT NULL,
	`target_id` text NOT NULL,
	`vendor_id` text,
	`reason` text,
	`before` text,
	`after` text
);
--> statement-breakpoint
CREATE INDEX `audit_vendor` ON `audit_log` (`vendor_id`);--> statement-breakpoint
CREATE INDEX `audit_target` ON `audit_log` (`target_id`);--> statement-breakpoint
CREATE INDEX `audit_at` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `candidates` (
	`vendor_id` text NOT NULL,
	`key` text NOT NULL,
	`sha256` text,
	`spki_sha256` text,
	`sha1` text,
	`der` blob,
	`subject` text,
	`corroborated` integer DEFAULT false NOT NULL,
	`data` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`vendor_id`, `key`)
);
--> statement-breakpoint
CREATE INDEX `candidates_sha256` ON `candidates` (`sha256`);--> statement-breakpoint
CREATE INDEX `candidates_spki` ON `candidates` (`spki_sha256`);--> statement-breakpoint
CREATE TABLE `crls` (
	`id` text PRIMARY KEY NOT NULL,
	`vendor_id` text NOT NULL,
	`issuer` text NOT NULL,
	`der` blob NOT NULL,
	`this_update` text NOT NULL,
	`next_update` text,
	`source` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `crls_vendor` ON `crls` (`vendor_id`);--> statement-breakpoint
CREATE TABLE `escalation_cases` (
	`id` text PRIMARY KEY NOT NULL,
	`vendor_id` text NOT NULL,
	`spki_sha256` text NOT NULL,
	`kind` text NOT NULL,
	`state` text NOT NULL,
	`data` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`opened_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `escalation_open_per_root` ON `escalation_cases` (`vendor_id`,`spki_sha256`,`kind`) WHERE "escalation_cases"."state" = 'open';--> statement-breakpoint
CREATE INDEX `escalation_vendor_state` ON `escalation_cases` (`vendor_id`,`state`);--> statement-breakpoint
CREATE TABLE `feeds` (
	`id` text PRIMARY KEY NOT NULL,
	`vendor_id` text NOT NULL,
	`url` text NOT NULL,
	`state` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`vendor_id`) REFERENCES `vendors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `feeds_vendor_url` ON `feeds` (`vendor_id`,`url`);--> statement-breakpoint
CREATE TABLE `store_version` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`role` text NOT NULL,
	`secret_hash` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tokens_secret_hash` ON `tokens` (`secret_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `tokens_name` ON `tokens` (`name`);--> statement-breakpoint
CREATE TABLE `vendors` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`contacts` text DEFAULT '[]' NOT NULL,
	`identity_rules` text DEFAULT '[]' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
