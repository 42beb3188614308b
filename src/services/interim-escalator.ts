import type { Escalator } from './verification';

/**
 * Interim escalation: a stable case id per vendor and unreached root, and the fixed checklist. Replaced by
 * persisted cases rendered from playbooks (src/escalation) once those land.
 */
export function createInterimEscalator(subtle: SubtleCrypto): Escalator {
  return async ({ vendor, outcome }) => {
    if (outcome.verdict !== 'unknown_root') return null;
    const top = outcome.top ?? outcome.signer;
    const spki = top?.spkiSha256 ?? '';
    const idBytes = new Uint8Array(
      await subtle.digest('SHA-256', new TextEncoder().encode(`${vendor.id}\u0000${spki}`)),
    );
    const id = `esc_${Array.from(idBytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('')}`;
    const contacts =
      vendor.contacts.map((c) => `${c.name} (${c.channel}: ${c.value})`).join('; ') ||
      'no contact on file: find one through a known, independent channel';
    return {
      id,
      state: 'open',
      kind: 'unknown_root',
      topCertificate: { subject: top?.subject ?? '', sha256: top?.sha256 ?? '', spkiSha256: spki },
      checklist: [
        {
          n: 1,
          title: 'Confirm the fingerprints locally',
          detail: `Compute the SHA-256 of the top certificate (${top?.sha256}) and of its public key (${spki}) from the signature file with openssl.`,
        },
        {
          n: 2,
          title: 'Contact the vendor through the channel on file',
          detail: `Ask ${vendor.name} whether they rotated their CA and read them the fingerprints: ${contacts}.`,
        },
        {
          n: 3,
          title: 'Have an admin propose the root and a second admin approve it',
          detail: `POST /vendors/${vendor.id}/roots with the root PEM, then POST /roots/{sha256}/approve by a different admin.`,
        },
        {
          n: 4,
          title: 'Re-run the verification',
          detail: 'Run the pipeline again; it passes once the root is active.',
        },
      ],
    };
  };
}
