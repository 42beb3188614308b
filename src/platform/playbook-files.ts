import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CASE_KINDS, type CaseKind, loadPlaybooks, type Playbooks } from '../escalation';

/**
 * Reads and validates the escalation playbooks (`advisories/playbooks/<kind>.md`, or PLAYBOOKS_DIR).
 * A broken template stops the start-up with the errors, rather than failing a case at 3 a.m.
 */
export async function readPlaybooks(dir: string): Promise<Playbooks> {
  const sources: Partial<Record<CaseKind, string>> = {};
  for (const kind of CASE_KINDS) {
    try {
      sources[kind] = await readFile(join(dir, `${kind}.md`), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const loaded = loadPlaybooks(sources, { fileOf: (kind) => join(dir, `${kind}.md`) });
  if (!loaded.ok)
    throw new Error(`escalation playbooks are broken; fix them and start again:\n${loaded.message}`);
  return loaded.playbooks;
}
