// Issue 14 (worker RSS during a flood of 25 MB mail): a message stream (SMTP DATA) is read into memory
// while it is small; past SPOOL_AFTER_BYTES it goes to a file instead, a chunk at a time, and its header
// block and digests are read on the way — so four clients each sending 25 MB cost the listener a few
// chunks, not four copies of 25 MB (and a fifth in the database client). The file is a spool, not the
// ledger: the message is acknowledged only once receiveSpooledEmail has committed it to PostgreSQL, and
// the caller removes the file either way (clearSpool removes what a crash left).
import { createHash, type Hash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { readHeaders } from "./headers.ts";
import {
  contentDigestOfHash,
  digestBodyStart,
  type MessageDigests,
  type SpooledMessage,
  startContentDigest,
} from "./receive-email.ts";

/** Messages up to this size stay in memory (nearly all mail); larger ones are spooled. */
export const SPOOL_AFTER_BYTES = 1024 * 1024;

export type ReadMessage =
  /** The message in memory (or, when over the limit, its first `limit` bytes); `size` counts every byte sent. */
  { kind: "memory"; raw: Buffer; size: number } | { kind: "spooled"; spooled: SpooledMessage; size: number };

/** The digests of a message as its bytes go by, without keeping them (but for its header block). */
class StreamDigests {
  private readonly sha256 = createHash("sha256");
  private head = Buffer.alloc(0);
  /** Once the body's start is known: the headers, and the content digest's hash so far. */
  private known: { content: Hash; headers: MessageDigests["headers"] } | null = null;
  /** The body's start did not come within `maxHead` bytes. */
  private lost = false;

  constructor(private readonly maxHead: number) {}

  update(chunk: Buffer) {
    this.sha256.update(chunk);
    if (this.known) return void this.known.content.update(chunk);
    if (this.lost) return;
    const head = Buffer.concat([this.head, chunk]);
    const start = digestBodyStart(head);
    if (start === null) {
      this.head = head;
      this.lost = head.length > this.maxHead;
      if (this.lost) this.head = Buffer.alloc(0);
      return;
    }
    const headers = readHeaders(head);
    this.known = { content: startContentDigest(headers).update(head.subarray(start)), headers };
    this.head = Buffer.alloc(0);
  }

  /** Null when the body's start never came within the head kept (then the message is read whole). */
  result(): MessageDigests | null {
    if (!this.known) return null;
    const contentDigest = contentDigestOfHash(this.known.content);
    return { headers: this.known.headers, sha256: this.sha256.digest("hex"), contentDigest: () => contentDigest };
  }
}

/**
 * Reads a message stream. Up to `spoolAfter` bytes it stays in memory; beyond, it is written to a new
 * private file in `dir` (the caller removes `spooled.file` when done). Past `limit` the rest is drained,
 * not kept: `size` counts every byte, and an oversize message comes back as what was kept in memory (the
 * caller refuses it by its size).
 */
export const spoolMessage = async (
  stream: AsyncIterable<Buffer> | Iterable<Buffer>,
  opts: { limit: number; dir: string; spoolAfter?: number },
): Promise<ReadMessage> => {
  const spoolAfter = opts.spoolAfter ?? SPOOL_AFTER_BYTES;
  const chunks: Buffer[] = [];
  let size = 0;
  let file: SpoolFile | null = null;
  try {
    for await (const chunk of stream) {
      size += chunk.length;
      if (size > opts.limit) {
        if (file) file = await discard(file);
        continue;
      }
      if (file) {
        await file.write(chunk);
        continue;
      }
      chunks.push(chunk);
      if (size <= spoolAfter) continue;
      file = await openSpoolFile(opts.dir, spoolAfter);
      for (const c of chunks.splice(0)) await file.write(c);
    }
  } catch (err) {
    if (file) await discard(file);
    throw err;
  }
  if (!file) return { kind: "memory", raw: Buffer.concat(chunks), size };
  await file.handle.close();
  const digests = file.digests.result();
  if (digests) return { kind: "spooled", spooled: { file: file.path, size, digests }, size };
  // A header block longer than spoolAfter: read whole, as it would have been without the spool.
  const raw = await fs.readFile(file.path);
  await fs.rm(file.path, { force: true });
  return { kind: "memory", raw, size };
};

type SpoolFile = { path: string; handle: fs.FileHandle; digests: StreamDigests; write: (c: Buffer) => Promise<void> };

const openSpoolFile = async (dir: string, maxHead: number): Promise<SpoolFile> => {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const p = path.join(dir, `${Date.now()}-${randomBytes(8).toString("hex")}.eml`);
  const handle = await fs.open(p, "wx", 0o600);
  const digests = new StreamDigests(maxHead);
  return {
    path: p,
    handle,
    digests,
    write: async (c) => {
      digests.update(c);
      await handle.writeFile(c); // the whole chunk, at the current position
    },
  };
};

const discard = async (file: SpoolFile): Promise<null> => {
  await file.handle.close().catch(() => undefined);
  await fs.rm(file.path, { force: true });
  return null;
};

/** Where a worker spools the mail it receives. */
export const spoolDirOf = (dataDir: string) => path.join(dataDir, "spool");

/**
 * Removes the spool files last written before `olderThanMs` ago: left by a crash (never acknowledged, so
 * the client sends them again). Another worker sharing DATA_DIR may be writing the younger ones.
 */
export const clearSpool = async (dir: string, olderThanMs: number) => {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const before = Date.now() - olderThanMs;
  for (const name of names) {
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => null);
    if (stat && stat.mtimeMs < before) await fs.rm(file, { force: true });
  }
};
