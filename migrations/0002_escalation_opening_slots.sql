CREATE TABLE `escalation_opening_slots` (
	`vendor_id` text NOT NULL,
	`kind` text NOT NULL,
	`slot` integer NOT NULL,
	`claimed_at` text NOT NULL,
	`root` text NOT NULL,
	`case_id` text NOT NULL,
	PRIMARY KEY(`vendor_id`, `kind`, `slot`)
);
