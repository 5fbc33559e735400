import { describe, expect, it } from "vitest";
import { htmlToMarkdown, tidy } from "./content.ts";
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
