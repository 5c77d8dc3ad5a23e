/**
 * Reads the header blobs out of an rpm SQLite database (rpm >= 4.16: Fedora 33+, RHEL/Rocky/Alma 9,
 * openSUSE Tumbleweed). node:sqlite needs a file, so the bytes are copied to a private temporary
 * directory, opened read-only, and removed afterwards. The database is hostile input: only a real
 * `Packages` table is read (a view could make SQLite loop or call functions), and schema-defined
 * functions are not trusted.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { inputError } from '../../../core/index.ts';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export interface HeaderRow {
  /** rpm's header number (the `hnum` primary key), for messages. */
  hnum: number;
  blob: Uint8Array;
}

/**
 * Calls `visit` with every row of the `Packages` table, in header-number order. Throws INPUT when
 * the bytes are not an SQLite rpmdb; rows whose blob is not a blob are reported to `badRow`.
 */
export async function forEachHeaderBlob(bytes: Uint8Array, visit: (row: HeaderRow) => void, badRow: (hnum: unknown) => void): Promise<void> {
  if (bytes.length < SQLITE_MAGIC.length || !SQLITE_MAGIC.equals(bytes.subarray(0, SQLITE_MAGIC.length))) {
    throw inputError('not an SQLite database');
  }
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-rpmdb-'));
  try {
    const file = join(dir, 'rpmdb.sqlite');
    await writeFile(file, bytes, { mode: 0o600 });
    readRows(file, visit, badRow);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function readRows(file: string, visit: (row: HeaderRow) => void, badRow: (hnum: unknown) => void): void {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, { readOnly: true, allowExtension: false });
  } catch (error) {
    throw inputError(`cannot open as SQLite: ${(error as Error).message}`, error);
  }
  try {
    db.exec('PRAGMA trusted_schema = OFF; PRAGMA query_only = ON; PRAGMA cell_size_check = ON;');
    const table = db.prepare("SELECT type FROM sqlite_schema WHERE name = 'Packages'").get();
    if (table?.type !== 'table') throw inputError('no Packages table: not an rpm database');
    for (const row of db.prepare('SELECT hnum, blob FROM Packages ORDER BY hnum').iterate()) {
      if (row.blob instanceof Uint8Array && typeof row.hnum === 'number') visit({ hnum: row.hnum, blob: row.blob });
      else badRow(row.hnum);
    }
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ERR_SQLITE_ERROR') {
      throw inputError(`corrupt SQLite database: ${error.message}`, error);
    }
    throw error;
  } finally {
    db.close();
  }
}
