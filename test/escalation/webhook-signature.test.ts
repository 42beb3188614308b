import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createWebhookSigner,
  deliverWebhook,
  openOrJoin,
  parseWebhookSecrets,
  signedContent,
  type WebhookMessage,
  webhookEvent,
} from '../../src/escalation';
import { createAdminTestApp } from '../trust/helpers/admin-client';
import { TOP_SHA256, TOP_SPKI, unknownRootFacts } from './facts';

/**
 * The Standard Webhooks reference vector: the one every library of github.com/standard-webhooks/
 * standard-webhooks checks its signer against (e.g. libraries/javascript/src/webhook.test.ts, "sign
 * function works"). Matching it is what lets a receiver verify trustgate with any of those libraries.
 */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
} as const;

/** The specification's tolerance for webhook-timestamp, as its libraries apply it. */
const TOLERANCE_SECONDS = 5 * 60;

const signerOf = (secret: string) => {
  const parsed = parseWebhookSecrets(secret);
  if (!parsed.ok) throw new Error(parsed.message);
  return createWebhookSigner(globalThis.crypto.subtle, parsed.keys);
};

const header = (headers: IncomingHttpHeaders, name: string) => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

/**
 * A receiver's check, written from the specification with node:crypto (not with trustgate's signer):
 * the three headers, a timestamp within the tolerance, and one `v1,` entry equal to the HMAC-SHA256 of
 * `{id}.{timestamp}.{body}` under the secret's base64 bytes, compared in constant time.
 */
function verifyAsReceiver(
  secret: string,
  headers: IncomingHttpHeaders,
  body: string,
  nowSeconds: number,
): boolean {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest();
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',', 2);
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const vectorHeaders = (signature: string = VECTOR.signature): IncomingHttpHeaders => ({
  'webhook-id': VECTOR.id,
  'webhook-timestamp': String(VECTOR.timestamp),
  'webhook-signature': signature,
});

describe('webhook signatures (Standard Webhooks)', () => {
  describe('the specification reference vector', () => {
    it('is signed to exactly the published signature', async () => {
      const message: WebhookMessage = { id: VECTOR.id, timestamp: VECTOR.timestamp, body: VECTOR.body };
      expect(signedContent(message)).toBe('msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}');
      expect(await signerOf(VECTOR.secret)(message)).toBe(VECTOR.signature);
    });

    it('is accepted by the receiver check, which refuses it once anything changes', () => {
      const at = VECTOR.timestamp;
      expect(verifyAsReceiver(VECTOR.secret, vectorHeaders(), VECTOR.body, at)).toBe(true);
      expect(verifyAsReceiver(VECTOR.secret, vectorHeaders(), '{"test": 2432232315}', at)).toBe(false);
      expect(
        verifyAsReceiver(VECTOR.secret, { ...vectorHeaders(), 'webhook-id': 'msg_other' }, VECTOR.body, at),
      ).toBe(false);
      expect(
        verifyAsReceiver(
          VECTOR.secret,
          { ...vectorHeaders(), 'webhook-timestamp': String(at + 1) },
          VECTOR.body,
          at,
        ),
      ).toBe(false);
      expect(verifyAsReceiver(VECTOR.secret, vectorHeaders(), VECTOR.body, at + TOLERANCE_SECONDS + 1)).toBe(
        false,
      );
      const other = `whsec_${randomBytes(24).toString('base64')}`;
      expect(verifyAsReceiver(other, vectorHeaders(), VECTOR.body, at)).toBe(false);
    });
  });

  describe('when two secrets are set (rotation)', () => {
    it('sends one v1 entry per secret, in order, each verifiable with its own secret', async () => {
      const next = `whsec_${randomBytes(32).toString('base64')}`;
      const message = { id: VECTOR.id, timestamp: VECTOR.timestamp, body: VECTOR.body };
      const signature = await signerOf(`${next}  ${VECTOR.secret}`)(message);
      const entries = signature.split(' ');
      expect(entries).toHaveLength(2);
      expect(entries[1]).toBe(VECTOR.signature);
      for (const secret of [next, VECTOR.secret]) {
        expect(verifyAsReceiver(secret, vectorHeaders(signature), VECTOR.body, VECTOR.timestamp)).toBe(true);
      }
    });
  });

  describe('when the secret is malformed', () => {
    it('says what is wrong without quoting it', () => {
      const cases: Array<[string, RegExp]> = [
        ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', /does not start with whsec_/],
        ['whsec_not*base64!', /is not base64 after the prefix/],
        [`whsec_${randomBytes(16).toString('base64')}`, /has 16 bytes/],
        [`whsec_${randomBytes(65).toString('base64')}`, /has 65 bytes/],
        [`${VECTOR.secret} whsec_c2hvcnQ=`, /the 2nd secret has 5 bytes/],
      ];
      for (const [secret, problem] of cases) {
        const parsed = parseWebhookSecrets(secret);
        expect(parsed.ok).toBe(false);
        if (parsed.ok) continue;
        expect(parsed.message).toMatch(problem);
        expect(parsed.message).toMatch(/^must be whsec_ followed by the base64 of 24 to 64 random bytes/);
        for (const part of secret.split(' ')) expect(parsed.message).not.toContain(part.slice(6));
      }
    });

    it('refuses an id or timestamp that would move the separators', () => {
      expect(() => signedContent({ id: 'evt.1', timestamp: 1, body: '{}' })).toThrow(/without "."/);
      expect(() => signedContent({ id: 'evt_1', timestamp: 1.5, body: '{}' })).toThrow(/unix seconds/);
    });
  });
});

/** A receiver on 127.0.0.1 that keeps every request and answers with `answer(n)` (1-based). */
interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
}
let server: Server | undefined;

afterEach(async () => {
  const s = server;
  server = undefined;
  if (!s) return;
  s.closeAllConnections();
  await new Promise<void>((done) => s.close(() => done()));
});

async function receiver(answer: (n: number) => number): Promise<{ url: string; received: Delivery[] }> {
  const received: Delivery[] = [];
  const s = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer(received.length)).end();
    });
  });
  server = s;
  await new Promise<void>((done) => s.listen(0, '127.0.0.1', () => done()));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}/hooks/trustgate`, received };
}

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const T0 = new Date('2026-11-25T12:00:00.000Z');
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

describe('a signed delivery', () => {
  describe('when the receiver fails once and the retry comes a minute later', () => {
    it('keeps the webhook-id, signs the retry anew with its own timestamp, and both verify', async () => {
      let now = T0;
      const { url, received } = await receiver((n) => {
        if (n === 1) now = new Date(T0.getTime() + 60_000);
        return n === 1 ? 503 : 204;
      });
      const { case: c } = openOrJoin(undefined, {
        newCaseId: 'esc_0001',
        vendorId: 'acme',
        top: { subject: 'CN=Acme Root 2026', sha256: TOP_SHA256, spkiSha256: TOP_SPKI },
        chain: unknownRootFacts().chain,
        artifactDigest: `sha256:${'ef'.repeat(32)}`,
        at: T0,
        stepCount: 6,
      });
      const event = webhookEvent('escalation.opened', c, {
        eventId: 'evt_0a1b2c',
        at: T0,
        serviceBaseUrl: 'https://trustgate.example',
      });
      const result = await deliverWebhook(
        {
          fetch: (u, init) => fetch(u, init),
          sleep: (_ms, signal) =>
            signal
              ? new Promise((done) => signal.addEventListener('abort', () => done()))
              : Promise.resolve(),
          now: () => now,
          random: () => 0.5,
          sign: signerOf(SECRET),
        },
        url,
        event,
        { maxAttempts: 3, timeoutMs: 5000 },
      );
      expect(result).toMatchObject({ status: 'delivered', attempts: 2 });
      const [first, retry] = received;
      if (!first || !retry) throw new Error('two deliveries expected');
      expect([first.headers['webhook-id'], retry.headers['webhook-id']]).toEqual([
        'evt_0a1b2c',
        'evt_0a1b2c',
      ]);
      expect(first.headers['webhook-timestamp']).toBe(String(seconds(T0)));
      expect(retry.headers['webhook-timestamp']).toBe(String(seconds(T0) + 60));
      expect(retry.headers['webhook-signature']).not.toBe(first.headers['webhook-signature']);
      expect(first.body).toBe(retry.body);
      expect(verifyAsReceiver(SECRET, first.headers, first.body, seconds(T0))).toBe(true);
      expect(verifyAsReceiver(SECRET, retry.headers, retry.body, seconds(T0) + 60)).toBe(true);
      // The first attempt's headers replayed with its body long after: too old.
      expect(verifyAsReceiver(SECRET, first.headers, first.body, seconds(T0) + 60 + TOLERANCE_SECONDS)).toBe(
        false,
      );
    });
  });
});

/** globex's chain checked as vendor acme: a chain that ends at a root acme does not have. */
const UNKNOWN_FOR_ACME = 'globex-chain-checked-against-acme-unknown-root';

async function until(done: () => boolean) {
  const deadline = Date.now() + 15_000;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

describe('the escalation webhook of the service', () => {
  describe('when ESCALATION_WEBHOOK_SECRET is set and the receiver fails once', () => {
    it('delivers escalation.opened signed, the retry re-signed with the same id; a tampered body fails', async () => {
      let now = T0;
      const { url, received } = await receiver((n) => {
        if (n === 1) now = new Date(T0.getTime() + 30_000);
        return n === 1 ? 500 : 204;
      });
      const t = await createAdminTestApp({
        escalationWebhookUrl: url,
        escalationWebhookSecret: SECRET,
        clock: () => now,
      });
      try {
        const { body } = await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
        expect(body.verdict).toBe('unknown_root');
        const caseId = (body.escalation as { id: string }).id;
        await until(() => received.length >= 2);
        const [first, retry] = received;
        if (!first || !retry) throw new Error('two deliveries expected');
        expect(verifyAsReceiver(SECRET, first.headers, first.body, seconds(T0))).toBe(true);
        expect(verifyAsReceiver(SECRET, retry.headers, retry.body, seconds(T0) + 30)).toBe(true);
        const id = retry.headers['webhook-id'];
        expect(id).toMatch(/^evt_[0-9a-f]+$/);
        expect(first.headers['webhook-id']).toBe(id);
        expect(retry.headers['x-trustgate-delivery']).toBe(id);
        expect(retry.headers['webhook-timestamp']).toBe(String(seconds(T0) + 30));
        const event = JSON.parse(retry.body);
        expect(event).toMatchObject({ id, type: 'escalation.opened', case: { id: caseId } });
        // Anyone who changes the body (here: the case it points to) breaks the signature.
        const tampered = retry.body.replace(caseId, 'esc_forged');
        expect(tampered).not.toBe(retry.body);
        expect(verifyAsReceiver(SECRET, retry.headers, tampered, seconds(T0) + 30)).toBe(false);
      } finally {
        t.close();
      }
    });
  });

  describe('when no secret is set', () => {
    it('sends the event unsigned, with its webhook-id and webhook-timestamp', async () => {
      const { url, received } = await receiver(() => 204);
      const t = await createAdminTestApp({ escalationWebhookUrl: url, clock: () => T0 });
      try {
        await t.verify(UNKNOWN_FOR_ACME, { vendor: 'acme' });
        await until(() => received.length >= 1);
        const [delivery] = received;
        expect(delivery?.headers['webhook-signature']).toBeUndefined();
        expect(delivery?.headers['webhook-id']).toMatch(/^evt_/);
        expect(delivery?.headers['webhook-timestamp']).toBe(String(seconds(T0)));
        if (delivery)
          expect(verifyAsReceiver(SECRET, delivery.headers, delivery.body, seconds(T0))).toBe(false);
      } finally {
        t.close();
      }
    });
  });
});
