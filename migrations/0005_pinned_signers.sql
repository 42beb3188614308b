-- Issue 17: pinned signer certificates are anchors of kind 'signer' (trust/model.ts); every existing anchor
-- is a root.
ALTER TABLE `anchors` ADD `kind` text DEFAULT 'root' NOT NULL;
