import { children, type DerNode, decodeOid, expectTag, fail, latin1, TAG } from '../der';
import { parseName, type X500Name } from './names';

/** RFC 5280 GeneralName, with the forms name constraints understand decoded. */
export type GeneralName =
  | { kind: 'otherName'; typeId: string; raw: Uint8Array }
  | { kind: 'rfc822'; value: string }
  | { kind: 'dns'; value: string }
  | { kind: 'x400'; raw: Uint8Array }
  | { kind: 'directoryName'; name: X500Name }
  | { kind: 'ediParty'; raw: Uint8Array }
  | { kind: 'uri'; value: string }
  | { kind: 'ip'; bytes: Uint8Array }
  | { kind: 'registeredId'; oid: string };

function ia5(node: DerNode): string {
  for (const b of node.value) if (b > 0x7f) fail('IA5String with non-ASCII bytes');
  return latin1(node.value);
}

/** Parses one GeneralName node. Throws DerError when malformed. */
export function parseGeneralName(node: DerNode): GeneralName {
  switch (node.tag) {
    case 0xa0: {
      const parts = children(node);
      const typeId = decodeOid(parts[0]);
      if (parts.length !== 2 || parts[1]?.tag !== 0xa0) fail('otherName must be type-id and [0] value');
      return { kind: 'otherName', typeId, raw: node.raw };
    }
    case 0x81:
      return { kind: 'rfc822', value: ia5(node) };
    case 0x82:
      return { kind: 'dns', value: ia5(node) };
    case 0xa3:
      return { kind: 'x400', raw: node.raw };
    case 0xa4: {
      const inner = children(node);
      if (inner.length !== 1) fail('directoryName must hold one Name');
      return { kind: 'directoryName', name: parseName(inner[0]) };
    }
    case 0xa5:
      return { kind: 'ediParty', raw: node.raw };
    case 0x86:
      return { kind: 'uri', value: ia5(node) };
    case 0x87:
      return { kind: 'ip', bytes: node.value };
    case 0x88:
      return { kind: 'registeredId', oid: decodeOid({ ...node, tag: TAG.OID }) };
    default:
      return fail(`unknown GeneralName tag 0x${node.tag.toString(16)}`);
  }
}

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName */
export function parseGeneralNames(node: DerNode | undefined): GeneralName[] {
  const items = children(expectTag(node, TAG.SEQUENCE, 'GeneralNames'));
  if (items.length === 0) fail('empty GeneralNames');
  return items.map(parseGeneralName);
}
