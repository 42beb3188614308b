/**
 * Edits one entry of a ZIP in place, keeping every offset: its compressed bytes (same length) and the
 * uncompressed size it declares, in the central directory, the local header and the data descriptor alike,
 * so that the archive's structure stays consistent and only inflating the entry can tell.
 */
export function patchEntry(
  zip: Uint8Array,
  name: string,
  edit: { data?: (compressed: Uint8Array) => Uint8Array; uncompressedSize?: number },
): Uint8Array {
  const out = new Uint8Array(zip);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let eocd = out.length - 22;
  while (view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const wanted = new TextEncoder().encode(name);
  for (let i = 0; i < count; i++) {
    const nameLength = view.getUint16(at + 28, true);
    const next = at + 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const entryName = out.subarray(at + 46, at + 46 + nameLength);
    if (entryName.length === wanted.length && entryName.every((b, k) => b === wanted[k])) {
      const compressedSize = view.getUint32(at + 20, true);
      const local = view.getUint32(at + 42, true);
      const dataOffset = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
      if (edit.data) {
        const data = edit.data(out.slice(dataOffset, dataOffset + compressedSize));
        if (data.length !== compressedSize) throw new Error('patchEntry keeps the compressed length');
        out.set(data, dataOffset);
      }
      if (edit.uncompressedSize !== undefined) {
        view.setUint32(at + 24, edit.uncompressedSize, true);
        if (view.getUint32(local + 22, true) !== 0) view.setUint32(local + 22, edit.uncompressedSize, true);
        if (view.getUint16(at + 8, true) & 0x0008) {
          const end = dataOffset + compressedSize;
          const d = view.getUint32(end, true) === 0x08074b50 ? end + 4 : end;
          view.setUint32(d + 8, edit.uncompressedSize, true);
        }
      }
      return out;
    }
    at = next;
  }
  throw new Error(`no entry ${name}`);
}
