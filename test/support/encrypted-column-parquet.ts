/**
 * A real Parquet file made to look as Parquet modular encryption in plaintext-footer mode writes it: the footer
 * stays readable (PAR1), one column's chunks carry `crypto_metadata` (ColumnChunk field 8) and
 * `encrypted_column_metadata` (field 9), and — with a column key — no plaintext `meta_data` (field 3).
 * hyparquet-writer writes the footer again with field 9; field 8 (a union hyparquet-writer does not write) is
 * spliced in by hand, in thrift compact bytes, just before it.
 */
import assert from 'node:assert/strict';
import { parquetMetadata } from 'hyparquet';
import { ByteWriter } from 'hyparquet-writer';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';

const MARKER = new TextEncoder().encode('ciphertext-of-md'); // 16 bytes standing for the encrypted ColumnMetaData

function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/** `file` with `column` encrypted: with the footer key (meta_data kept), or a column key (meta_data left out). */
export function withEncryptedColumn(file: Uint8Array, column: string, key: 'footer' | 'column'): Uint8Array {
  const buffer = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  const md = parquetMetadata(buffer);
  const footerStart = file.length - 8 - new DataView(buffer).getUint32(file.length - 8, true);
  const row_groups = md.row_groups.map((g) => ({
    ...g,
    columns: g.columns.map((c) =>
      c.meta_data?.path_in_schema.join('.') === column
        ? { ...c, meta_data: key === 'column' ? undefined : c.meta_data, encrypted_column_metadata: MARKER }
        : c,
    ),
  }));
  const w = new ByteWriter();
  writeMetadata(w, { ...md, row_groups } as never);
  const footer = new Uint8Array(w.getBuffer());
  // ColumnCryptoMetaData: ENCRYPTION_WITH_FOOTER_KEY (field 1, an empty struct), or ENCRYPTION_WITH_COLUMN_KEY
  // (field 2: path_in_schema list<string>, key_metadata binary).
  const name = [...new TextEncoder().encode(column)];
  const keyMetadata = [...new TextEncoder().encode('kms-key-1')];
  const union = key === 'footer'
    ? [0x1c, 0x00, 0x00]
    : [0x2c, 0x19, 0x18, ...varint(name.length), ...name, 0x18, ...varint(keyMetadata.length), ...keyMetadata, 0x00, 0x00];
  const out: number[] = [];
  let spliced = 0;
  for (let i = 0; i < footer.length; i++) {
    const h = footer[i];
    const isField9 = (h & 0x0f) === 8 && h >> 4 >= 1 && footer[i + 1] === MARKER.length && MARKER.every((b, k) => footer[i + 2 + k] === b);
    if (isField9) {
      const previous = 9 - (h >> 4); // the field id before field 9 in this ColumnChunk
      out.push(((8 - previous) << 4) | 12, ...union, 0x18); // field 8 (struct), then field 9 (binary) one id on
      spliced++;
      continue;
    }
    out.push(h);
  }
  assert.equal(spliced, md.row_groups.length, 'one encrypted chunk per row group');
  const result = new Uint8Array(footerStart + out.length + 8);
  result.set(file.subarray(0, footerStart));
  result.set(out, footerStart);
  new DataView(result.buffer).setUint32(footerStart + out.length, out.length, true);
  result.set(new TextEncoder().encode('PAR1'), footerStart + out.length + 4);
  return result;
}
