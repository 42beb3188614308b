import { concatBytes as joinBytes } from '../../src/encoding';
import { readTlv } from '../../src/verify/der';

/**
 * A DER document as an editable tree, for tests that build variants of a fixture (another version, an
 * attribute more, BER lengths around it) from its exact bytes: decode, change a node, encode again.
 */
export interface TreeNode {
  tag: number;
  /** Children of a constructed node (absent for primitives). */
  children?: TreeNode[];
  /** Contents of a primitive node. */
  value?: Uint8Array;
  /** Encode with an indefinite length (BER) instead of a definite one. */
  indefinite?: boolean;
  /** Encode as exactly these bytes (for encodings the tree cannot express, e.g. a non-minimal length). */
  raw?: Uint8Array;
}

export function decodeTree(bytes: Uint8Array): TreeNode {
  const { node } = readTlv(bytes, 0);
  if ((node.tag & 0x20) === 0) return { tag: node.tag, value: node.value.slice() };
  const children: TreeNode[] = [];
  let pos = 0;
  while (pos < node.value.length) {
    const { node: child, next } = readTlv(node.value, pos);
    children.push(decodeTree(child.raw));
    pos = next;
  }
  return { tag: node.tag, children };
}

export const concatBytes = (parts: Uint8Array[]): Uint8Array => joinBytes(...parts);

export function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

export function tlv(tag: number, value: Uint8Array): Uint8Array {
  return concatBytes([Uint8Array.of(tag, ...lengthBytes(value.length)), value]);
}

export function encodeTree(node: TreeNode): Uint8Array {
  if (node.raw) return node.raw;
  const value = node.children ? concatBytes(node.children.map(encodeTree)) : (node.value ?? new Uint8Array());
  if (node.indefinite) return concatBytes([Uint8Array.of(node.tag, 0x80), value, Uint8Array.of(0, 0)]);
  return tlv(node.tag, value);
}

/** The node at a path of child indexes. */
export function at(root: TreeNode, ...path: number[]): TreeNode {
  let node = root;
  for (const i of path) {
    const child = node.children?.[i];
    if (!child) throw new Error(`no child ${i}`);
    node = child;
  }
  return node;
}

/** Paths into a CMS ContentInfo: ContentInfo > [0] > SignedData > fields. */
export const SIGNED_DATA = [1, 0] as const;

export function signedDataOf(root: TreeNode): TreeNode {
  return at(root, ...SIGNED_DATA);
}

/** The SignedData field with this tag (the last SET is signerInfos). */
export function field(signedData: TreeNode, tag: number): TreeNode {
  const found = signedData.children?.find((c) => c.tag === tag);
  if (!found) throw new Error(`no field 0x${tag.toString(16)}`);
  return found;
}

export function signerInfoOf(root: TreeNode): TreeNode {
  const sd = signedDataOf(root);
  const signerInfos = sd.children?.[sd.children.length - 1] as TreeNode;
  return at(signerInfos, 0);
}

export const oidNode = (bytes: number[]): TreeNode => ({ tag: 0x06, value: Uint8Array.from(bytes) });
export const octets = (bytes: Uint8Array): TreeNode => ({ tag: 0x04, value: bytes });
