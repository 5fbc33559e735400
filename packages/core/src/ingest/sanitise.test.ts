import { describe, expect, it } from "vitest";
import { htmlToMarkdown, tidy } from "./content.ts";
import { contentOf } from "./decide.ts";
import { readHeaders } from "./headers.ts";
import { parseEmail } from "./process-inbound-email.ts";
import { contentDigestOf } from "./receive-email.ts";
import { sanitiseText } from "./sanitise.ts";
import { trimReply } from "./trim.ts";

describe("sanitiseText (issue 15.2)", () => {
  it("removes NUL and replaces lone surrogates, keeping valid pairs", () => {
    expect(sanitiseText("a\0b")).toBe("ab");
    expect(sanitiseText("x\uD800y\uDC00z")).toBe("x\uFFFDy\uFFFDz");
    expect(sanitiseText("😀")).toBe("😀");
  });
});

describe("a parsed message's parts (issue 15.2, found by npm run fuzz)", () => {
  it("gives a part with an empty Content-Type header a type instead of failing the message", async () => {
    const raw = Buffer.from(
      [
        "From: a@example.org",
        "To: b@example.org",
        "Subject: empty part type",
        "Content-Type: multipart/mixed; boundary=zz",
        "",
        "--zz",
        "Content-Type:",
        "",
        "part body",
        "--zz--",
        "",
      ].join("\r\n"),
    );
    const parsed = await parseEmail(raw);
    expect(parsed.attachments.map((a) => a.contentType)).toEqual(["application/octet-stream"]);
  });
});

describe("contentDigestOf (issue 15.4)", () => {
  const msg = (extra: string, from = "a@example.org") =>
    Buffer.from(`${extra}From: ${from}\r\nSubject: s\r\nMessage-ID: <m@x>\r\n\r\nbody\r\n`);
  it("ignores transport headers and sees a different sender or body", () => {
    expect(contentDigestOf(msg("Received: from relay\r\nDelivered-To: x@y.z\r\n"))).toBe(contentDigestOf(msg("")));
    expect(contentDigestOf(msg("", "b@example.org"))).not.toBe(contentDigestOf(msg("")));
  });
});

describe("text steps keep their output on ordinary input (issue 15.1)", () => {
  it("tidy trims trailing spaces per line only", () => {
    expect(tidy("\r\n  a  \r\n\tb\t \r\n\r\n")).toBe("a\n\tb");
  });
  it("falls back to text for deeply nested tables and keeps shallow ones", () => {
    expect(htmlToMarkdown(`${"<table><tr><td>".repeat(50)}deep`)).toBe("deep");
    expect(htmlToMarkdown("<table><tr><td>a</td><td>b</td></tr></table>")).toBe("a\tb");
  });
  it("keeps a long-lined reply whole instead of running the reply parser on it", () => {
    const text = `Thanks\n\nOn Mon, Bob wrote:${">".repeat(5_000)}`;
    expect(trimReply(text)).toEqual({ message: text, stripped: "" });
  });
});

describe("every string of a decided message is clean (issue 15.2, found by npm run fuzz)", () => {
  // A string holding NUL or a lone surrogate anywhere in the decided content, walked deeply.
  const dirty = (value: unknown, at = "content"): string[] => {
    if (typeof value === "string") return sanitiseText(value) === value ? [] : [at];
    if (Array.isArray(value)) return value.flatMap((v, i) => dirty(v, `${at}[${i}]`));
    if (value && typeof value === "object" && !Buffer.isBuffer(value))
      return Object.entries(value).flatMap(([k, v]) => dirty(v, `${at}.${k}`));
    return [];
  };
  const decided = async (raw: Buffer) => contentOf(await parseEmail(raw), raw, readHeaders(raw));

  it("a mislabelled body re-decoded from its raw bytes loses its NUL like any parsed text", async () => {
    // Declared UTF-8, really Shift_JIS (0x82 0xA0 is あ) with a NUL: the re-decode (C11) reads the raw bytes.
    const raw = Buffer.concat([
      Buffer.from("From: a@example.org\r\nSubject: s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello "),
      Buffer.from([0x00, 0x20, 0x82, 0xa0, 0x0d, 0x0a]),
    ]);
    const content = await decided(raw);
    expect(content.body).toBe("Hello  あ");
    expect(dirty(content)).toEqual([]);
  });

  it("a message without parts read from its raw body loses its NUL", async () => {
    const raw = Buffer.from(
      "From: a@example.org\r\nSubject: s\r\nContent-Type: multipart/alternative; boundary=q\r\n\r\nplain\0 words\r\n",
    );
    const content = await decided(raw);
    expect(content.body).toBe("plain words");
    expect(dirty(content)).toEqual([]);
  });
});
