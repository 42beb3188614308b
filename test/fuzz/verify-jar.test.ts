import { unzipSync, zipSync } from 'fflate';
import { verifyJar } from '../../src/verify';
import { jarCase, jarTsaAnchors, jarVendorAnchors, readJarFixture } from '../helpers/jar-fixtures';
import { fuzzTarget } from './harness';
import { jarSeeds, manifestSeeds } from './seeds';
import { derStructure, lineStructure, zipStructure } from './structure';

const anchors = jarVendorAnchors('acme');
const tsaAnchors = jarTsaAnchors();
const verify = (archive: Uint8Array) =>
  verifyJar({
    archive,
    anchors,
    tsaAnchors,
    time: new Date('2026-06-01T00:00:00Z'),
    subtle: globalThis.crypto.subtle,
  });

/** The whole archive mutated: mostly its structure, since a changed deflated byte fails its CRC. */
fuzzTarget({
  name: 'verify-jar',
  seeds: jarSeeds().filter((jar) => jar.length < 64 * 1024),
  structure: zipStructure,
  run: verify,
});

/**
 * One entry of a trusted, timestamped JAR mutated and the archive rebuilt around it (stored, so the ZIP
 * stays sound): the PKCS#7 block through the envelope, timestamp and chain checks; the manifest through
 * the .SF and entry checks of a trusted signer.
 */
const trusted = unzipSync(readJarFixture(jarCase('signed-timestamped-trusted').file));
const withEntry = (name: string, bytes: Uint8Array) => zipSync({ ...trusted, [name]: bytes }, { level: 0 });

fuzzTarget({
  name: 'verify-jar-signature-block',
  seeds: jarSeeds().flatMap((jar) => {
    try {
      return Object.entries(unzipSync(jar))
        .filter(([name]) => /^META-INF\/[^/]+\.(RSA|EC|DSA)$/.test(name))
        .map(([, bytes]) => bytes);
    } catch {
      return [];
    }
  }),
  structure: derStructure,
  run: (block) => verify(withEntry('META-INF/SIGNER.RSA', block)),
});

fuzzTarget({
  name: 'verify-jar-manifest',
  seeds: manifestSeeds().filter((bytes) => new TextDecoder().decode(bytes).startsWith('Manifest-Version')),
  structure: lineStructure,
  run: (manifest) => verify(withEntry('META-INF/MANIFEST.MF', manifest)),
});
