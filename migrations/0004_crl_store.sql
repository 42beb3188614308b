-- Issue 14: every CRL is kept and looked up by its issuer, listed, and retired by two admins; the
-- revocation memory (known_revocations) only ever grows.
CREATE TABLE `known_revocations` (
	`issuer` text NOT NULL,
	`serial` text NOT NULL,
	`reason_code` integer,
	`revocation_date` text NOT NULL,
	`evidence_sha256` text NOT NULL,
	`first_seen_at` text NOT NULL,
	PRIMARY KEY(`issuer`, `serial`, `evidence_sha256`)
);
--> statement-breakpoint
CREATE INDEX `known_revocations_certificate` ON `known_revocations` (`issuer`,`serial`);
--> statement-breakpoint
-- issuer_key, crl_number, delta_of and entries of rows stored before this migration need the DER parsed:
-- the CRL repository fills them in before its first read (fillMissingFields in src/db/crl-repository.ts).
ALTER TABLE `crls` ADD `issuer_key` text;
--> statement-breakpoint
ALTER TABLE `crls` ADD `crl_number` text;
--> statement-breakpoint
ALTER TABLE `crls` ADD `delta_of` text;
--> statement-breakpoint
ALTER TABLE `crls` ADD `entries` integer;
--> statement-breakpoint
ALTER TABLE `crls` ADD `uploaded_by` text;
--> statement-breakpoint
ALTER TABLE `crls` ADD `state` text DEFAULT 'active' NOT NULL;
--> statement-breakpoint
ALTER TABLE `crls` ADD `retire_reason` text;
--> statement-breakpoint
ALTER TABLE `crls` ADD `retire_proposed_by` text;
--> statement-breakpoint
ALTER TABLE `crls` ADD `retire_proposed_at` text;
--> statement-breakpoint
ALTER TABLE `crls` ADD `retired_by` text;
--> statement-breakpoint
ALTER TABLE `crls` ADD `retired_at` text;
--> statement-breakpoint
ALTER TABLE `crls` ADD `version` integer DEFAULT 1 NOT NULL;
--> statement-breakpoint
CREATE INDEX `crls_vendor_issuer` ON `crls` (`vendor_id`,`issuer_key`);
--> statement-breakpoint
CREATE INDEX `crls_issuer_key_missing` ON `crls` (`id`) WHERE "crls"."issuer_key" IS NULL;
--> statement-breakpoint
-- Who uploaded an existing CRL is in the audit log (crl.upload, after.sha256 = the id after "vendor:").
UPDATE `crls` SET `uploaded_by` = (
	SELECT `a`.`actor` FROM `audit_log` `a`
	WHERE `a`.`action` = 'crl.upload'
		AND `a`.`vendor_id` = `crls`.`vendor_id`
		AND json_extract(`a`.`after`, '$.sha256') = substr(`crls`.`id`, length(`crls`.`vendor_id`) + 2)
	ORDER BY `a`.`id` LIMIT 1
) WHERE `source` = 'upload';
