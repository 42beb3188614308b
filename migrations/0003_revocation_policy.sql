ALTER TABLE `anchors` ADD `key_compromise` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `vendors` ADD `revocation_policy` text DEFAULT 'best-effort' NOT NULL;