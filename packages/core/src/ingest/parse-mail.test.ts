import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ParsedMail, simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { Gathered, isDropped, parseMail } from "./parse-mail.ts";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "testing", "fixtures");
const OPTIONS = {
  skipHtmlToText: true,
  skipTextToHtml: true,
  skipImageLinks: true,
  maxHtmlLengthToParse: 5 * 1024 * 1024,
};

/** Everything a reader of the result sees; attachments' streams and callbacks aside. */
const shapeOf = (m: ParsedMail) => ({
  ...m,
  headers: [...m.headers],
  attachments: m.attachments.map(({ content, ...a }) => ({
    ...Object.fromEntries(Object.entries(a).filter(([, v]) => typeof v !== "function")),
    headers: [...a.headers],
    content: content.toString("base64"),
  })),
});

const multipart = (parts: string[]) =>
  Buffer.from(
    [
      "From: A <a@example.org>",
      "To: b@example.org",
      "Subject: parts",
      "MIME-Version: 1.0",
      'Content-Type: multipart/related; boundary="b"',
      "",
      ...parts.flatMap((p) => ["--b", p]),
      "--b--",
      "",
    ].join("\r\n"),
  );

describe("parseMail: simpleParser's result, attachments gathered into one buffer", () => {
  const fixtures = fs.readdirSync(FIXTURES).filter((f) => f.endsWith(".eml"));

  it.each(fixtures)("%s parses as simpleParser parses it", async (name) => {
    const raw = fs.readFileSync(path.join(FIXTURES, name));
    const [ours, theirs] = await Promise.all([parseMail(raw, OPTIONS), simpleParser(raw, OPTIONS)]);
    expect(shapeOf(ours)).toEqual(shapeOf(theirs));
  });

  it("keeps every byte of attachments larger than the first buffer, and inlines cid images as simpleParser does", async () => {
    const bytes = Buffer.from(Array.from({ length: 2 * 1024 * 1024 + 12345 }, (_, i) => (i * 7919) % 256));
    const image = Buffer.from("GIF89a-not-really");
    const raw = multipart([
      'Content-Type: text/html; charset=utf-8\r\n\r\n<p>see <img src="cid:pic@x"></p>',
      `Content-Type: image/gif\r\nContent-ID: <pic@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n${image.toString("base64")}`,
      `Content-Type: application/octet-stream; name="big.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n${bytes.toString("base64").replace(/.{76}/g, "$&\r\n")}`,
      'Content-Type: application/octet-stream; name="empty.bin"\r\n\r\n',
    ]);
    const options = { skipHtmlToText: true, skipTextToHtml: true };
    const [ours, theirs] = await Promise.all([parseMail(raw, options), simpleParser(raw, options)]);
    expect(ours.attachments.map((a) => [a.contentType, a.content.length])).toEqual([
      ["image/gif", image.length],
      ["application/octet-stream", bytes.length],
      ["application/octet-stream", 0],
    ]);
    expect(ours.attachments[1].content.equals(bytes)).toBe(true);
    expect(ours.html).toContain(`data:image/gif;base64,${image.toString("base64")}`);
    expect(shapeOf(ours)).toEqual(shapeOf(theirs));
  });

  it("with a limit, leaves out the bytes of attachments over it, keeping their size, unless their type is read", async () => {
    const big = Buffer.alloc(5000, 1);
    const raw = multipart([
      "Content-Type: text/plain\r\n\r\nbody",
      `Content-Type: application/octet-stream; name="big.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n${big.toString("base64")}`,
      `Content-Type: application/octet-stream; name="small.bin"\r\n\r\nsmall`,
      `Content-Type: text/plain; name="notes.txt"\r\nContent-Disposition: attachment\r\n\r\n${"n".repeat(5000)}`,
    ]);
    const drop = { dropOver: 1000, unless: (type: string) => type.startsWith("text/") };
    const parsed = await parseMail(raw, OPTIONS, drop);
    expect(parsed.attachments.map((a) => [a.filename, isDropped(a), a.content.length, a.size])).toEqual([
      ["big.bin", true, 0, 5000],
      ["small.bin", false, 5, 5],
      ["notes.txt", false, 5000, 5000],
    ]);
  });
});

describe("Gathered", () => {
  const pieces = (n: number, size: number) => Array.from({ length: n }, (_, i) => Buffer.alloc(size, i % 251));

  it("keeps every byte in order, also past its capacity", () => {
    const all = pieces(40, 10_000);
    const g = new Gathered(100_000);
    for (const p of all) g.push(p);
    expect(g.join().equals(Buffer.concat(all))).toBe(true);
    expect(g.length).toBe(400_000);
  });

  it("hands over a buffer it filled at least half of, and copies a smaller content to its size", () => {
    // 200,000 bytes: past the first buffer, so gathered in one of the capacity, and handed over in place.
    const big = new Gathered(300_000);
    for (const p of pieces(20, 10_000)) big.push(p);
    expect(big.join().equals(Buffer.concat(pieces(20, 10_000)))).toBe(true);
    expect(big.join().buffer.byteLength).toBe(300_000);
    // 90,000 bytes: under half of it, so copied to its size.
    const small = new Gathered(300_000);
    for (const p of pieces(9, 10_000)) small.push(p);
    expect(small.join().equals(Buffer.concat(pieces(9, 10_000)))).toBe(true);
    expect(small.join().buffer.byteLength).toBe(90_000);
  });

  it("past its limit only counts, and an empty stream is an empty Buffer", () => {
    const g = new Gathered(1_000_000, 15_000);
    for (const p of pieces(2, 10_000)) g.push(p);
    expect([g.dropped, g.length]).toEqual([true, 20_000]);
    expect(new Gathered(10).join().length).toBe(0);
  });
});
