import { describe, expect, it } from 'vitest';
import { markdownEscaper } from '../../src/escalation/escapers';
import {
  compileTemplate,
  renderTemplate,
  type Schema,
  type TemplateValue,
} from '../../src/escalation/template';

const schema: Schema = {
  name: 'text',
  count: 'safe',
  urgent: 'flag',
  items: { list: { fields: { label: 'text', id: 'safe' } } },
  tags: { list: 'text' },
  vendor: { fields: { name: 'text' } },
};

function render(source: string, context: TemplateValue): string {
  const compiled = compileTemplate(source, schema);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  return renderTemplate(compiled.template, context, markdownEscaper);
}

function errorsOf(source: string) {
  const compiled = compileTemplate(source, schema, 10);
  return compiled.ok ? [] : compiled.errors;
}

describe('compileTemplate', () => {
  describe('when a variable is not in the schema', () => {
    it('reports it with its line and the names known there', () => {
      const errors = errorsOf('line one\nHello {{vendor.phone}}');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: 'UNKNOWN_VARIABLE', line: 11 });
      expect(errors[0]?.message).toContain('vendor.phone');
      expect(errors[0]?.message).toContain('vendor.name');
    });

    it('reports a misspelt top-level name', () => {
      expect(errorsOf('{{nmae}}')[0]?.code).toBe('UNKNOWN_VARIABLE');
    });

    it('reports this and @number outside a loop', () => {
      expect(errorsOf('{{this}} {{@number}}').map((e) => e.code)).toEqual([
        'UNKNOWN_VARIABLE',
        'UNKNOWN_VARIABLE',
      ]);
    });
  });

  describe('when blocks are unbalanced', () => {
    it('reports a block that is never closed, at the line it opened', () => {
      const errors = errorsOf('a\n{{#each items}}\n{{label}}\n');
      expect(errors).toEqual([expect.objectContaining({ code: 'UNBALANCED_BLOCK', line: 11 })]);
    });

    it('reports a close that does not match the open block', () => {
      const errors = errorsOf('{{#if urgent}}x{{/each}}{{/if}}');
      expect(errors[0]).toMatchObject({ code: 'UNBALANCED_BLOCK' });
      expect(errors[0]?.message).toContain('{{#if}}');
    });

    it('reports an else outside an if', () => {
      expect(errorsOf('{{else}}')[0]?.code).toBe('UNBALANCED_BLOCK');
    });
  });

  describe('when a tag is misused', () => {
    it('refuses raw on untrusted text', () => {
      expect(errorsOf('{{raw name}}')[0]?.code).toBe('RAW_UNTRUSTED');
    });

    it('refuses printing a list or a flag', () => {
      expect(errorsOf('{{items}} {{urgent}}').map((e) => e.code)).toEqual(['WRONG_TYPE', 'WRONG_TYPE']);
    });

    it('refuses each over something that is not a list', () => {
      expect(errorsOf('{{#each name}}{{/each}}')[0]?.code).toBe('WRONG_TYPE');
    });

    it('refuses escaped or code values inside code, where escapes would show', () => {
      expect(errorsOf('see `path/{{name}}/x`').map((e) => e.code)).toEqual(['ESCAPED_IN_CODE']);
      expect(errorsOf('```sh\necho {{code name}}\n```').map((e) => e.code)).toEqual(['ESCAPED_IN_CODE']);
      expect(errorsOf('``a`b {{name}}``').map((e) => e.code)).toEqual(['ESCAPED_IN_CODE']);
    });

    it('allows raw safe values in code, and values after a closed span or fence', () => {
      expect(errorsOf('```sh\necho {{raw count}}\n```\n{{name}} `x` {{code name}}')).toEqual([]);
    });

    it('refuses an unclosed tag and an unknown helper', () => {
      expect(errorsOf('{{name').map((e) => e.code)).toEqual(['BAD_TAG']);
      expect(errorsOf('{{upper name}}')[0]?.code).toBe('BAD_TAG');
    });
  });
});

describe('renderTemplate', () => {
  describe('when values are printed', () => {
    it('escapes text, makes code spans, passes safe values raw', () => {
      expect(render('{{name}} | {{code name}} | {{raw count}}', { name: '*x*', count: 3 })).toBe(
        '\\*x\\* | `*x*` | 3',
      );
    });
  });

  describe('when a list is repeated', () => {
    it('resolves item fields, this and @number, and outer names', () => {
      const out = render('{{#each items}}{{@number}}:{{label}}/{{this.id}}/{{vendor.name}};{{/each}}', {
        items: [
          { label: 'a', id: 'x' },
          { label: 'b', id: 'y' },
        ],
        vendor: { name: 'V' },
      });
      expect(out).toBe('1:a/x/V;2:b/y/V;');
    });

    it('repeats scalar lists with this', () => {
      expect(render('{{#each tags}}[{{code this}}]{{/each}}', { tags: ['p', 'q'] })).toBe('[`p`][`q`]');
    });
  });

  describe('when a condition is used', () => {
    it('takes the else branch for false flags and empty lists', () => {
      const source = '{{#if urgent}}U{{else}}N{{/if}}{{#if items}}I{{else}}E{{/if}}';
      expect(render(source, { urgent: false, items: [] })).toBe('NE');
      expect(render(source, { urgent: true, items: [{ label: 'a', id: 'x' }] })).toBe('UI');
    });
  });

  describe('when a block tag or comment stands alone on its line', () => {
    it('removes the whole line so lists stay tight', () => {
      const source = 'Items:\n{{! a comment }}\n{{#each tags}}\n- {{this}}\n{{/each}}\nend';
      expect(render(source, { tags: ['a', 'b'] })).toBe('Items:\n- a\n- b\nend');
    });
  });
});
