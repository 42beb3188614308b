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
CREATE TABLE `store_version` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `vendors` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`contacts` text DEFAULT '[]' NOT NULL,
	`identity_rules` text DEFAULT '[]' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
