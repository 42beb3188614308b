CREATE TABLE `vendor_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`vendor_id` text NOT NULL,
	`state` text NOT NULL,
	`base_version` integer NOT NULL,
	`changes` text NOT NULL,
	`reason` text NOT NULL,
	`proposed_by` text NOT NULL,
	`proposed_at` text NOT NULL,
	`decided_by` text,
	`decided_at` text,
	FOREIGN KEY (`vendor_id`) REFERENCES `vendors`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `vendor_changes_vendor` ON `vendor_changes` (`vendor_id`);