import { afterEach, describe, expect, it } from 'vitest';
import { signInToConsole } from '../helpers/console-client';
import { createAdminTestApp } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;
let t: App | undefined;
afterEach(() => t?.close());

/** The rows of the audit table: [actor, action, target id] in page order. */
const rowsOf = (html: string): string[][] => {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(([, row]) => {
    const cells = [...(row ?? '').matchAll(/<td>([\s\S]*?)<\/td>/g)].map(([, c]) => c ?? '');
    const target = /<code>([^<]*)<\/code>/.exec(cells[4] ?? '')?.[1] ?? '';
    const action = /<code[^>]*>([^<]*)<\/code>/.exec(cells[3] ?? '')?.[1] ?? '';
    return [cells[2] ?? '', action, target];
  });
};

async function twoAdminsCreateVendors(app: App) {
  for (const [token, id] of [
    [app.alice, 'initech'],
    [app.bob, 'umbrella'],
    [app.alice, 'hooli'],
  ] as const) {
    const res = await app.call('POST', '/vendors', {
      token,
      body: { id, name: id, reason: `onboard ${id}` },
    });
    expect(res.status).toBe(201);
  }
}

describe('console audit log', () => {
  describe('when two admins made changes and the log is filtered by actor', () => {
    it('shows only that admin’s entries, newest first, with who, action, target and why', async () => {
      t = await createAdminTestApp();
      await twoAdminsCreateVendors(t);
      const client = await signInToConsole(t.app, t.bob);

      const all = await (await client.get('/console/audit')).text();
      expect(all).toContain('<h1>Audit log</h1>');
      // newest first: the three vendors created here, then the seed's (acme, globex)
      const vendorRows = rowsOf(all).filter((r) => r[1] === 'vendor.create');
      expect(vendorRows.map((r) => r[2]).slice(0, 3)).toEqual(['hooli', 'umbrella', 'initech']);

      const res = await client.get('/console/audit?actor=alice&action=vendor.');
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(rowsOf(html)).toEqual([
        ['alice', 'vendor.create', 'hooli'],
        ['alice', 'vendor.create', 'initech'],
      ]);
      expect(html).toContain('onboard hooli');
      expect(html).not.toContain('onboard umbrella');
      // the form keeps the filter, and before/after is there to open
      expect(html).toMatch(/id="audit-actor" name="actor" value="alice"/);
      expect(html).toContain('<summary>Before and after</summary>');
    });
  });

  describe('when the log has more entries than a page', () => {
    it('links to older entries with beforeId, keeping the filters, until the end of the log', async () => {
      t = await createAdminTestApp();
      await twoAdminsCreateVendors(t);
      const client = await signInToConsole(t.app, t.alice);

      const first = await (await client.get('/console/audit?action=vendor.create&limit=2')).text();
      expect(rowsOf(first).map((r) => r[2])).toEqual(['hooli', 'umbrella']);
      const older = /href="(\/console\/audit\?[^"]*before=\d+[^"]*)" rel="next"/.exec(first)?.[1];
      expect(older).toBeDefined();
      const next = await (await client.get((older ?? '').replaceAll('&amp;', '&'))).text();
      // the test app's seed created acme and globex before
      expect(rowsOf(next).map((r) => r[2])).toEqual(['initech', 'globex']);
      expect(next).toContain('Newest entries');
      const oldest = /href="([^"]*before=\d+[^"]*)" rel="next"/.exec(next)?.[1] ?? '';
      const last = await (await client.get(oldest.replaceAll('&amp;', '&'))).text();
      expect(rowsOf(last).map((r) => r[2])).toEqual(['acme']);
      expect(last).toContain('End of the log.');

      // without the action prefix, paging is the store's own beforeId
      const plain = await (await client.get('/console/audit?actor=alice&limit=1')).text();
      expect(rowsOf(plain)).toEqual([['alice', 'vendor.create', 'hooli']]);
      const plainOlder = /href="([^"]*before=(\d+)[^"]*)" rel="next"/.exec(plain)?.[1] ?? '';
      const second = await (await client.get(plainOlder.replaceAll('&amp;', '&'))).text();
      expect(rowsOf(second)).toEqual([['alice', 'vendor.create', 'initech']]);
    });
  });

  describe('when a filter date is not a date', () => {
    it('refuses visibly with INVALID_FIELD and a 400, not a 500', async () => {
      t = await createAdminTestApp();
      const client = await signInToConsole(t.app, t.alice);
      for (const query of [
        'since=yesterday',
        'until=2026-02-30',
        'since=2026-06-02&until=2026-06-01',
        'before=x',
      ]) {
        const res = await client.get(`/console/audit?${query}`);
        expect(res.status, query).toBe(400);
        const html = await res.text();
        expect(html, query).toContain('INVALID_FIELD');
        expect(html, query).toContain('role="alert"');
      }
    });

    it('accepts a day and a day-time, and narrows to them', async () => {
      t = await createAdminTestApp();
      await twoAdminsCreateVendors(t);
      const client = await signInToConsole(t.app, t.alice);
      // the test app's clock is pinned at 2026-06-01T00:00Z
      const that = await (
        await client.get('/console/audit?since=2026-06-01&until=2026-06-01&actor=alice&action=vendor.create')
      ).text();
      expect(rowsOf(that).map((r) => r[2])).toEqual(['hooli', 'initech']);
      const before = await (await client.get('/console/audit?until=2026-05-31')).text();
      expect(before).toContain('No entry matches these filters.');
      const later = await client.get('/console/audit?since=2026-06-01T00:01');
      expect(later.status).toBe(200);
      expect(await later.text()).toContain('No entry matches these filters.');
    });
  });
});
