import { writeFileSync } from 'node:fs';
import { signUnderMintedRoot } from '../helpers/mint-unknown-root';

/**
 * Writes `<path>` (`mib` MiB of a repeated random block) and `<path>.p7s`, a detached signature over it
 * by a chain to a root minted on the spot (so any vendor answers unknown_root, after the digest matched).
 */
export async function writeBigSignedArtifact(path: string, mib: number): Promise<void> {
  const block = crypto.getRandomValues(new Uint8Array(64 * 1024));
  const bytes = new Uint8Array(mib * 1024 * 1024);
  for (let at = 0; at < bytes.byteLength; at += block.byteLength) bytes.set(block, at);
  writeFileSync(path, bytes);
  const { signature } = await signUnderMintedRoot(bytes, 'Big Artifact Test');
  writeFileSync(`${path}.p7s`, signature);
}
