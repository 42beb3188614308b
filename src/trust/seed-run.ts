import { auditEntry } from './audit-entry';
import type { AuditEntry } from './model';
import type { TrustRepository } from './ports';
import type { SeedReport } from './seed-report';

/** One vendor folder's import: the store it writes, the vendor, the import's instant, and its report. */
export interface SeedRun {
  repository: TrustRepository;
  vendorId: string;
  at: string;
  report: SeedReport;
}

/** An audit entry of the seed (actor `seed`) about the run's vendor or one of its roots. */
export function seedAudit(
  run: SeedRun,
  action: string,
  target: { type: 'vendor' | 'anchor'; id: string },
  reason: string,
  change: { before?: unknown; after?: unknown } = {},
): AuditEntry {
  return auditEntry(
    action,
    { ...target, vendorId: run.vendorId },
    { actor: 'seed', at: run.at, reason },
    change,
  );
}
