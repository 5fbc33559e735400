// Issue 14 (worker RSS during a flood of 25 MB mail): a large stored message is read a piece at a time. In
// one statement, a bytea arrives as hex text — twice its size as a string, then decoded into a Buffer — so
// reading a 24 MB message took ~100 MB at once. In pieces, it takes its own size plus one piece.
import type { EntityManager } from "@tidings/db";

/** The bytes read per statement. */
export const RAW_PIECE_BYTES = 2 * 1024 * 1024;

/** Reads one stored message's raw bytes in pieces into one Buffer of its size; null when the row is gone. */
export const readStoredRaw = async (db: EntityManager, id: number): Promise<Buffer | null> => {
  let raw: Buffer | null = null;
  for (let offset = 0; raw === null || offset < raw.length; offset += RAW_PIECE_BYTES) {
    const rows: { total: number; piece: Buffer }[] = await db.query(
      // substring() counts from 1; octet_length() reads the stored size without detoasting the value.
      `SELECT octet_length(raw) AS total, substring(raw FROM $2 FOR $3) AS piece FROM inbound_emails WHERE id = $1`,
      [id, offset + 1, RAW_PIECE_BYTES],
    );
    if (!rows[0]) return null;
    raw ??= Buffer.allocUnsafe(rows[0].total);
    // The size can only change if the row is rewritten meanwhile, which nothing does to a stored message.
    if (raw.length !== rows[0].total) throw new Error(`Stored message ${id} changed while it was read.`);
    rows[0].piece.copy(raw, offset);
    if (raw.length === 0) break;
  }
  return raw;
};
