/**
 * Parquet modular encryption in plaintext-footer mode: the footer is readable (magic PAR1, so the PARE check
 * in parquet.ts does not see it), but some column chunks are encrypted. parquet.thrift marks them in the
 * ColumnChunk: field 8 `crypto_metadata` (union ColumnCryptoMetaData: 1 ENCRYPTION_WITH_FOOTER_KEY,
 * 2 ENCRYPTION_WITH_COLUMN_KEY) and field 9 `encrypted_column_metadata` (the ColumnMetaData, encrypted).
 * Their pages are ciphertext: decoding them would at best fail as "damaged", at worst load noise. The loader
 * does not decrypt, so such a file is refused before any data is read (exit 4), naming the column.
 */
import type { FileMetaData } from 'hyparquet';
import { QualityError } from '../../core/errors.ts';

/** The first encrypted column chunk of the footer: its column name and row group (0-based); undefined when none. */
export function encryptedColumn(metadata: FileMetaData): { column: string; group: number } | undefined {
  const leaves = metadata.schema.filter((e) => !e.num_children);
  for (let g = 0; g < metadata.row_groups.length; g++) {
    const columns = metadata.row_groups[g].columns;
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j];
      if (c.crypto_metadata === undefined && c.encrypted_column_metadata === undefined) continue;
      const column = c.meta_data?.path_in_schema.join('.') ?? leaves[j]?.name ?? `number ${j + 1}`;
      return { column, group: g };
    }
  }
  return undefined;
}

/** Refuses (exit 4) a file with an encrypted column under a plaintext footer. */
export function refuseEncryptedColumns(file: string, metadata: FileMetaData): void {
  const found = encryptedColumn(metadata);
  if (!found) return;
  throw new QualityError(
    `column ${found.column} is encrypted (Parquet modular encryption, plaintext footer; first in row group ${found.group + 1}): the loader does not decrypt Parquet`,
    { file, column: found.column },
    'export it without column encryption (S3 SSE-KMS already encrypts it at rest)',
  );
}
