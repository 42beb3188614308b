/** PEM armour, decoded without Node's Buffer so that the same code runs in Workers. */
import { base64ToBytes, bytesToBase64 } from '../encoding';

export interface PemBlock {
  label: string;
  der: Uint8Array;
}

const BEGIN = '-----BEGIN ';
const DASHES = '-----';
/** More blocks than any certificate bundle needs; the rest of the text is not read. */
const MAX_PEM_BLOCKS = 1000;

/**
 * Every PEM block in the text, in order; blocks whose body is not base64 are skipped. A linear scan
 * (a backtracking regex over hostile text is quadratic): each BEGIN line is matched to the next END line.
 */
export function decodePemBlocks(text: string): PemBlock[] {
  return findPemBlocks(text).map(({ label, der }) => ({ label, der }));
}

/** A decoded PEM block and where it stands in the text (`start` of BEGIN, `end` after END). */
export interface PemSpan extends PemBlock {
  start: number;
  end: number;
}

/** The PEM blocks of `text` with their positions: the scan behind decodePemBlocks. */
export function findPemBlocks(text: string): PemSpan[] {
  const blocks: PemSpan[] = [];
  const nextEnd = new Map<string, number>();
  let at = 0;
  while (blocks.length < MAX_PEM_BLOCKS) {
    const begin = text.indexOf(BEGIN, at);
    if (begin === -1) break;
    const labelStart = begin + BEGIN.length;
    const labelEnd = text.indexOf(DASHES, labelStart);
    if (labelEnd === -1) break;
    const label = text.slice(labelStart, labelEnd);
    at = labelEnd + DASHES.length;
    if (!/^[A-Z0-9 #]{1,64}$/.test(label)) continue;
    const endMarker = `-----END ${label}-----`;
    // Remember where each label's next END is (or that there is none), so a flood of BEGIN lines
    // without END costs one scan per label, not one per line.
    let end = nextEnd.get(label);
    if (end === undefined || (end !== -1 && end < at)) {
      end = text.indexOf(endMarker, at);
      nextEnd.set(label, end);
    }
    // The body may not contain another BEGIN: an unterminated block does not swallow the next one.
    const nextBegin = text.indexOf(BEGIN, at);
    if (end === -1 || (nextBegin !== -1 && nextBegin < end)) continue;
    const body = text.slice(at, end);
    at = end + endMarker.length;
    // Headers such as "Proc-Type:" (RFC 1421) have no place in certificates or CMS; such a block is refused.
    if (body.includes(':')) continue;
    const der = base64ToBytes(body);
    if (der && der.length > 0) blocks.push({ label, der, start: begin, end: at });
  }
  return blocks;
}

export function encodePem(label: string, der: Uint8Array): string {
  const lines = bytesToBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

export function looksLikePem(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, Math.min(bytes.length, 256)));
  return /-----BEGIN /.test(head);
}
