import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLAYBOOK_SCHEMA } from '../../src/escalation';
import type { Schema } from '../../src/escalation/template';
import { PLAYBOOK_DIR } from './facts';

/** Names as the README writes them: `group.field` for groups, the bare field for list items. */
function documentedNames(schema: Schema, prefix: string, out: string[]): string[] {
  for (const [name, spec] of Object.entries(schema)) {
    const full = prefix ? `${prefix}.${name}` : name;
    if (typeof spec === 'string') out.push(full);
    else if ('fields' in spec) documentedNames(spec.fields, full, out);
    else {
      out.push(full);
      if (typeof spec.list === 'object' && 'fields' in spec.list) documentedNames(spec.list.fields, '', out);
    }
  }
  return out;
}

describe('advisories/README.md', () => {
  describe('when compared with the names playbooks can use', () => {
    it('documents every one of them', () => {
      const readme = readFileSync(join(PLAYBOOK_DIR, '..', 'README.md'), 'utf8');
      const missing = documentedNames(PLAYBOOK_SCHEMA, '', []).filter(
        (name) => !readme.includes(`\`${name}\``),
      );
      expect(missing).toEqual([]);
    });
  });
});
