import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OCSP_FIXTURES } from './ocsp-fixtures';

const run = promisify(execFile);

export interface OcspResponder {
  url: string;
  /** POSTs answered so far. */
  requests: () => number;
  close: () => Promise<void>;
}

/**
 * A live OCSP responder on 127.0.0.1: an HTTP server that hands each POSTed request to `openssl ocsp`
 * (the fixtures' index.txt, the issuing CA, the delegated responder's key) and returns its answer. OpenSSL
 * answers with the real clock; `nextUpdateMinutes` sets nextUpdate. (`openssl ocsp -port` itself would
 * listen on every interface: OpenSSL 3.0 takes a port number only.)
 */
export async function startOcspResponder(nextUpdateMinutes = 10): Promise<OcspResponder> {
  const work = mkdtempSync(join(tmpdir(), 'ocsp-responder-'));
  const f = (path: string) => join(OCSP_FIXTURES, path);
  let count = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        if (req.method !== 'POST' || req.headers['content-type'] !== 'application/ocsp-request')
          throw new Error(`unexpected ${req.method} ${req.headers['content-type']}`);
        count += 1;
        const reqFile = join(work, `req-${count}.der`);
        const respFile = join(work, `resp-${count}.der`);
        writeFileSync(reqFile, Buffer.concat(chunks));
        await run('openssl', [
          'ocsp',
          ...['-index', f('index.txt'), '-CA', f('certs/ca.pem')],
          ...['-rsigner', f('certs/responder.pem'), '-rkey', f('keys/responder.key')],
          ...['-reqin', reqFile, '-respout', respFile, '-nmin', String(nextUpdateMinutes)],
        ]);
        res.writeHead(200, { 'content-type': 'application/ocsp-response' });
        res.end(readFileSync(respFile));
      } catch {
        res.writeHead(500);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests: () => count,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(work, { recursive: true, force: true });
    },
  };
}
