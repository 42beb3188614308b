import type { ItemEvidence } from './candidates';
import { type CertificateInfo, readCertificate } from './certificate';
import { type FetchDeps, fetchResource } from './fetch-resource';
import type { CertificateFetchLimits, FetchLimits } from './limits';
import { certificatesFromFile } from './pem';
import type { ItemWork } from './poll-items';

export interface CertificateFetchReport {
  itemGuid: string;
  url: string;
  /** Certificates read from the file; 0 with `error` set when it could not be fetched or read. */
  certificates: number;
  error: string | null;
}

export interface CertificateStepDeps {
  fetchDeps: FetchDeps;
  limits: FetchLimits;
  certLimits: CertificateFetchLimits;
  subtle: SubtleCrypto;
  feedId: string;
  /** When the poll started: the items' provenance. */
  fetchedAt: string;
}

/** What is left of the per-poll budgets of linked files and certificates read. */
interface Budget {
  filesLeft: number;
  certificatesLeft: number;
}

const CERTIFICATE_ACCEPT =
  'application/x-pem-file, application/pkix-cert, application/x-x509-ca-cert, */*;q=0.5';

/**
 * For each item to process, in order: fetches its linked certificate files (same limits, smaller body
 * cap, bounded count) and reads its PEM blocks and those files within the per-poll budgets. An item a
 * budget or a failed file cut short is marked incomplete, to be retried on the next poll.
 */
export async function readItemCertificates(
  deps: CertificateStepDeps,
  work: readonly ItemWork[],
): Promise<{ certificateFetches: CertificateFetchReport[]; evidence: ItemEvidence[] }> {
  const certificateFetches: CertificateFetchReport[] = [];
  const evidence: ItemEvidence[] = [];
  const budget: Budget = {
    filesLeft: deps.certLimits.maxFilesPerPoll,
    certificatesLeft: deps.certLimits.maxCertificatesPerPoll,
  };
  for (const { polled, extraction } of work) {
    const { item, snapshot } = polled;
    const ders = extraction.pems.map((p) => p.der);
    ders.push(...(await fetchLinkedFiles(deps, { polled, extraction }, budget, certificateFetches)));
    const { certificatesLeft } = budget;
    if (ders.length > certificatesLeft) {
      polled.certificateErrors.push(
        `${ders.length - Math.max(certificatesLeft, 0)} certificate(s) not read: per-poll certificate limit`,
      );
      snapshot.incomplete = true;
    }
    const { certs, errors } = await readAll(ders.slice(0, Math.max(certificatesLeft, 0)), deps.subtle);
    budget.certificatesLeft -= Math.min(ders.length, certificatesLeft);
    polled.certificates = certs.map((c) => ({
      sha256: c.sha256,
      spkiSha256: c.spkiSha256,
      subject: c.subject,
      issuer: c.issuer,
    }));
    polled.certificateErrors.push(...errors);
    evidence.push({
      provenance: {
        feedId: deps.feedId,
        itemGuid: item.guid,
        itemLink: item.link,
        fetchedAt: deps.fetchedAt,
        contentHash: snapshot.contentHash,
      },
      fingerprints: extraction.fingerprints,
      certificates: certs,
    });
  }
  return { certificateFetches, evidence };
}

/** The certificates of an item's linked files, each fetch reported; a file that fails marks the item incomplete. */
async function fetchLinkedFiles(
  deps: CertificateStepDeps,
  { polled, extraction }: ItemWork,
  budget: Budget,
  reports: CertificateFetchReport[],
): Promise<Uint8Array[]> {
  const { item, snapshot } = polled;
  const ders: Uint8Array[] = [];
  for (const url of extraction.certificateLinks.slice(0, deps.certLimits.maxFilesPerItem)) {
    if (budget.filesLeft <= 0) {
      reports.push({ itemGuid: item.guid, url, certificates: 0, error: 'skipped: per-poll file limit' });
      continue;
    }
    budget.filesLeft--;
    const file = await fetchResource(
      deps.fetchDeps,
      url,
      { ...deps.limits, maxBytes: deps.certLimits.maxBytes },
      { accept: CERTIFICATE_ACCEPT },
    );
    if (file.kind !== 'ok') {
      const error =
        file.kind === 'error'
          ? `${file.reason}: ${file.detail}`
          : file.kind === 'retry_later'
            ? file.reason
            : file.kind;
      reports.push({ itemGuid: item.guid, url, certificates: 0, error });
      snapshot.incomplete = true;
      continue;
    }
    const found = certificatesFromFile(file.bytes, deps.certLimits.maxCertificatesPerFile);
    reports.push({
      itemGuid: item.guid,
      url,
      certificates: found.length,
      error: found.length === 0 ? 'no certificate in the file' : null,
    });
    ders.push(...found.map((f) => f.der));
  }
  return ders;
}

/** Reads each DER certificate; the ones that cannot be read are reasons, not faults. */
export async function readAll(
  ders: readonly Uint8Array[],
  subtle: SubtleCrypto,
): Promise<{ certs: CertificateInfo[]; errors: string[] }> {
  const certs: CertificateInfo[] = [];
  const errors: string[] = [];
  for (const der of ders) {
    const read = await readCertificate(der, subtle);
    if (read.ok) certs.push(read.certificate);
    else errors.push(read.reason);
  }
  return { certs, errors };
}
