import { createHash, randomInt } from "node:crypto";

// Outlook and Exchange group a conversation by Thread-Index (MS-OXOMSG 2.2.1.3, PidTagConversationIndex),
// not only by References (lessons.md, Outlook quirks). A header block (22 bytes: 0x01, the high 40 bits
// of the FILETIME big-endian, a 16-byte GUID) starts the thread; every later message appends a 5-byte
// child block (1 bit code, 31 bits of time elapsed, 4 random bits, 4 bits sequence).
// The GUID is derived from the thread's Message-ID, so every email of an issue shares it.

const FILETIME_EPOCH_OFFSET_MS = 11_644_473_600_000n;
const fileTime = (d: Date) => (BigInt(d.getTime()) + FILETIME_EPOCH_OFFSET_MS) * 10_000n;

const headerBlock = (threadId: string, startedAt: Date) => {
  const buf = Buffer.alloc(22);
  buf[0] = 0x01;
  const ft = (fileTime(startedAt) >> 24n) & 0xff_ffff_ffffn;
  for (let i = 0; i < 5; i++) buf[1 + i] = Number((ft >> BigInt(8 * (4 - i))) & 0xffn);
  createHash("md5").update(threadId).digest().copy(buf, 6);
  return buf;
};

/** Thread-Index of the email that starts the thread (the thank-you, Message-ID issue_<id>@host). */
export const threadIndexRoot = (threadId: string, startedAt: Date) =>
  headerBlock(threadId, startedAt).toString("base64");

/** Thread-Index of a later email in the thread: the root plus one child block for the time elapsed. */
export const threadIndexChild = (threadId: string, startedAt: Date, at: Date = new Date()) => {
  const root = headerBlock(threadId, startedAt);
  const rootTime = (fileTime(startedAt) >> 24n) << 24n;
  let delta = fileTime(at) - rootTime;
  if (delta < 0n) delta = 0n;
  const code = delta >= 1n << 49n ? 1n : 0n;
  const timeDelta = (code ? delta >> 23n : delta >> 18n) & 0x7fff_ffffn;
  const child = Buffer.alloc(5);
  child.writeUInt32BE(Number((code << 31n) | timeDelta), 0);
  child[4] = (randomInt(16) << 4) | 0;
  return Buffer.concat([root, child]).toString("base64");
};
