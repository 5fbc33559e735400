// Issue 14 (worker RSS during a flood of 25 MB mail): mailparser's simpleParser, with one change — an
// attachment's content is gathered into one buffer as it is decoded (Gathered). simpleParser keeps every
// decoded piece (a base64 attachment decodes a line at a time: 57 bytes) and joins them at the end: an
// 18 MB attachment became ~330,000 small Buffers (~45 MB of heap) before its copy. The result is the same
// ParsedMail (parse-mail.test.ts compares the two). And the message is fed a slice at a time (see feed).
import { type Attachment, MailParser, type ParsedMail, type SimpleParserOptions } from "mailparser";

/** An attachment's first buffer: most attachments fit, and a message with many small ones stays cheap. */
const FIRST_GATHER_BYTES = 64 * 1024;

/**
 * A stream's pieces gathered into one buffer; past `keepUpTo` bytes, only counted. The first buffer is
 * FIRST_GATHER_BYTES; an attachment larger than that moves once into one of `capacity` bytes (parseMail
 * passes the message's size, which no attachment decodes to more than; were one to, it grows), allocated
 * without being filled: the pages of a large one stay the system's until written. An attachment that fills
 * at least half of its buffer is handed over in place, so an 18 MB attachment is not copied again at its
 * end (gathered in 1 MB blocks and joined, it took 36 MB at once: issue 14, worker RSS); a smaller one is
 * copied to its size and the buffer let go. Measured with eight floods of twelve 24 MB messages each way
 * (2026-12-07): worker peak RSS 286–305 MB (mean 297) against 288–328 (mean 303) with the blocks.
 */
export class Gathered {
  private buffer: Buffer | null = null;
  private used = 0;
  length = 0;

  constructor(
    private readonly capacity: number,
    private readonly keepUpTo = Number.POSITIVE_INFINITY,
  ) {}

  get dropped() {
    return this.length > this.keepUpTo;
  }

  push(piece: Buffer) {
    this.length += piece.length;
    if (this.dropped) {
      this.buffer = null;
      this.used = 0;
      return;
    }
    const needed = this.used + piece.length;
    if (!this.buffer || needed > this.buffer.length) {
      const size = this.buffer
        ? Math.max(this.capacity, 2 * this.buffer.length, needed)
        : Math.max(Math.min(this.capacity, FIRST_GATHER_BYTES), needed);
      const grown = Buffer.allocUnsafe(size);
      this.buffer?.copy(grown, 0, 0, this.used);
      this.buffer = grown;
    }
    this.used += piece.copy(this.buffer, this.used);
  }

  join(): Buffer {
    if (!this.buffer) return Buffer.alloc(0);
    const bytes = this.buffer.subarray(0, this.used);
    return this.used * 2 >= this.buffer.length ? bytes : Buffer.from(bytes);
  }
}

type Streamed = Omit<Attachment, "content"> & { content: NodeJS.ReadableStream | Buffer; release: () => void };
type TextData = { type: "text"; text?: string; html?: string; textAsHtml?: string };

const HEADER_FIELDS = [
  "subject",
  "references",
  "date",
  "to",
  "from",
  "cc",
  "bcc",
  "message-id",
  "in-reply-to",
  "reply-to",
];

/** Which attachments are not kept: those over `dropOver` bytes whose type `unless` does not keep. */
export type DropAttachments = { dropOver: number; unless: (contentType: string) => boolean };

const DROPPED = Symbol("dropped");

/** An attachment parseMail did not keep (its content is empty; its `size` is the real one). */
export const isDropped = (a: Attachment) => DROPPED in a;

/**
 * Parses a whole message the way simpleParser does (same options, same result); with `drop`, the
 * attachments it names come back with an empty content (isDropped) and their real `size`.
 */
export const parseMail = (raw: Buffer, options: SimpleParserOptions, drop?: DropAttachments): Promise<ParsedMail> =>
  new Promise((resolve, reject) => {
    // mailparser may emit a non-fatal error and still end: the first outcome wins.
    let settled = false;
    const settle = (err: unknown, mail?: ParsedMail) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(mail as ParsedMail);
    };
    const mail = { attachments: [] as Attachment[] } as unknown as ParsedMail & Record<string, unknown>;
    const parser = new MailParser(options);
    parser.on("error", (err) => settle(err));
    parser.on("headers", (headers) => {
      mail.headers = headers;
      mail.headerLines = (parser as unknown as { headerLines: ParsedMail["headerLines"] }).headerLines;
    });
    let reading = false;
    const read = () => {
      reading = true;
      const data = parser.read() as (Streamed & { type: "attachment" }) | TextData | null;
      if (data === null) {
        reading = false;
        return;
      }
      if (data.type === "text") {
        for (const key of ["text", "html", "textAsHtml"] as const)
          if (key in data) (mail as Record<string, unknown>)[key] = data[key];
        return read();
      }
      mail.attachments.push(data as unknown as Attachment);
      const gathered = new Gathered(raw.length, drop && !drop.unless(data.contentType) ? drop.dropOver : undefined);
      const content = data.content as NodeJS.ReadableStream;
      content.on("readable", () => {
        for (let piece = content.read() as Buffer | null; piece !== null; piece = content.read() as Buffer | null)
          gathered.push(piece);
      });
      content.on("end", () => {
        data.content = gathered.dropped ? Buffer.alloc(0) : gathered.join();
        if (gathered.dropped) Object.assign(data, { [DROPPED]: true });
        data.release();
        read();
      });
    };
    parser.on("readable", () => {
      if (!reading) read();
    });
    parser.on("end", () => {
      for (const key of HEADER_FIELDS) {
        if (mail.headers?.has(key))
          mail[key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())] = mail.headers.get(key);
      }
      if ((options as { keepCidLinks?: boolean }).keepCidLinks) return settle(null, mail);
      (
        parser as unknown as {
          updateImageLinks: (
            replace: (a: Attachment, done: (err: unknown, link: string) => void) => void,
            done: (err: unknown, html: string) => void,
          ) => void;
        }
      ).updateImageLinks(
        (a, done) => done(false, `data:${a.contentType};base64,${a.content.toString("base64")}`),
        (err, html) => {
          if (err) return settle(err);
          mail.html = html as ParsedMail["html"];
          settle(null, mail);
        },
      );
    });
    void feed(parser, raw).catch((err) => settle(err));
  });

/**
 * Writes the message a slice at a time, waiting whenever the parser asks to: given the whole message in
 * one write, mailparser splits all of it into line objects before anything downstream reads them.
 */
const feed = async (parser: MailParser, raw: Buffer) => {
  for (let offset = 0; offset < raw.length; offset += FEED_BYTES) {
    if (!parser.write(raw.subarray(offset, offset + FEED_BYTES))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          parser.off("drain", done).off("close", done);
          resolve();
        };
        parser.on("drain", done).on("close", done);
      });
    }
    if (parser.destroyed) return;
  }
  parser.end();
};

/** The bytes given to the parser per write. */
const FEED_BYTES = 64 * 1024;
