import { afterEach, describe, expect, it } from 'vitest';
import { readApi } from '../../src/console/openapi-view';
import { signInToConsole } from '../helpers/console-client';
import { createAdminTestApp } from '../trust/helpers/admin-client';

type App = Awaited<ReturnType<typeof createAdminTestApp>>;
let t: App | undefined;
afterEach(() => t?.close());

/** The HTML of one operation's section, from its heading to the next operation or group. */
const sectionOf = (html: string, anchor: string): string => {
  const start = html.indexOf(`<section aria-labelledby="${anchor}">`);
  if (start < 0) return '';
  return html.slice(start, html.indexOf('</section>', start));
};

describe('console API reference', () => {
  describe('when an on-call engineer opens it', () => {
    it('lists POST /verify and GET /escalations/{id} with their parameters, bodies and responses', async () => {
      t = await createAdminTestApp();
      const client = await signInToConsole(t.app, (await t.createToken('olivia', 'oncall')).secret);
      const res = await client.get('/console/api');
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('<h1>API reference</h1>');
      expect(html).not.toContain('<script');

      // a table of contents pointing at every operation
      expect(html).toContain('href="#op-post-verify"');
      expect(html).toContain('href="#op-get-escalations-id"');

      const verify = sectionOf(html, 'op-post-verify');
      expect(verify).toContain('<span class="method">POST</span> <code>/verify</code>');
      expect(verify).toContain('Decide whether a signed package may be installed');
      expect(verify).toContain('<code>multipart/form-data</code>');
      expect(verify).toContain('<code>application/json</code>: VerifyJsonRequest');
      expect(verify).toContain('<code>vendor</code>');
      expect(verify).toContain('<code>200</code>');
      expect(verify).toContain('A decided verdict');
      expect(verify).toContain('<code>415</code>');

      const escalation = sectionOf(html, 'op-get-escalations-id');
      expect(escalation).toContain('<code>/escalations/{id}</code>');
      expect(escalation).toContain('Token: <code>Authorization: Bearer …</code> (bearer)');
      expect(escalation).toMatch(/<code>id<\/code><\/td><td>path<\/td>/);
      expect(escalation).toContain('The case');
      expect(escalation).toContain('<code>text/markdown</code>');
      expect(escalation).toContain('<code>404</code>');
      // roles, as the API's summaries state them
      expect(sectionOf(html, 'op-get-feeds')).toContain('roles: admin or oncall');
    });
  });

  describe('when the document has unexpected shapes', () => {
    it('reads what it can and never throws', () => {
      expect(readApi(null).operations).toEqual([]);
      expect(readApi('nonsense').operations).toEqual([]);
      const api = readApi({
        paths: {
          '/odd': {
            get: 'not an operation',
            post: {
              responses: 5,
              parameters: [
                null,
                { $ref: '#/components/parameters/Missing' },
                { $ref: '#/components/parameters/Q' },
              ],
              requestBody: {
                content: { 'application/json': { schema: { $ref: '#/components/schemas/Loop' } } },
              },
            },
            put: { security: [{}], responses: { default: { $ref: '#/nowhere' } } },
          },
          '/broken': null,
        },
        components: {
          parameters: { Q: { name: 'q', in: 'query', schema: { type: 'string', format: 'date-time' } } },
          schemas: {
            Loop: { $ref: '#/components/schemas/Loop2' },
            Loop2: { $ref: '#/components/schemas/Loop' },
          },
        },
      });
      expect(api.operations.map((o) => `${o.method} ${o.path}`)).toEqual(['POST /odd', 'PUT /odd']);
      const [post, put] = api.operations;
      expect(post?.parameters).toEqual([
        { name: 'q', in: 'query', required: false, type: 'string (date-time)', description: undefined },
      ]);
      expect(post?.responses).toEqual([]);
      expect(post?.requestBody?.media[0]).toMatchObject({
        mediaType: 'application/json',
        schemaName: 'Loop',
        fields: [],
      });
      expect(put?.security).toBeNull();
      expect(put?.responses).toEqual([{ status: 'default', description: '', media: [] }]);
    });

    it('resolves a components.schemas reference one level for the field list, allOf parts merged', () => {
      const api = readApi({
        paths: {
          '/things': {
            post: {
              security: [{ bearer: [] }],
              requestBody: {
                required: true,
                content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
              },
              responses: { '201': { description: 'Made' } },
            },
          },
        },
        components: {
          schemas: {
            Base: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
            Thing: {
              allOf: [
                { $ref: '#/components/schemas/Base' },
                {
                  type: 'object',
                  properties: { tags: { type: 'array', items: { $ref: '#/components/schemas/Tag' } } },
                },
              ],
            },
          },
        },
      });
      const op = api.operations[0];
      expect(op?.security).toEqual(['bearer']);
      expect(op?.requestBody?.media[0]?.fields).toEqual([
        { name: 'id', type: 'string', required: true, description: undefined },
        { name: 'tags', type: 'array of Tag', required: false, description: undefined },
      ]);
    });
  });
});
