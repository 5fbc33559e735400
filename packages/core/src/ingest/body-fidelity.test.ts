// Issue 12.1: replies that were read as blank — format=flowed (Thunderbird) and multipart messages without parts.
import { describe, expect, it } from "vitest";
import { bodyOf } from "./content.ts";
import { contentOf, parseEmail } from "./decide.ts";
import { decodeFlowed, withoutFlowed } from "./flowed.ts";
import { readHeaders } from "./headers.ts";
import { mailFixture } from "./testing/fixtures.ts";
import { trimReply } from "./trim.ts";

describe("format=flowed (RFC 3676)", () => {
  it("joins soft-broken lines only at the same quote depth, and removes space-stuffing", () => {
    const text = [
      "Thanks, it ",
      "works.",
      "",
      "On Tuesday, Support wrote: ",
      "> Restart ",
      ">  it.",
      ">> Old ",
      ">> text",
    ];
    expect(decodeFlowed(text.join("\r\n"), false)).toBe(
      ["Thanks, it works.", "", "On Tuesday, Support wrote:", "> Restart  it.", ">> Old text"].join("\n"),
    );
  });

  it("deletes the space of a soft break with DelSp=yes, and never joins the signature separator", () => {
    expect(decodeFlowed("Ver \r\nbunden\r\n-- \r\nAda", true)).toBe("Verbunden\n--\nAda");
  });

  it("turns off the parser's decoding in Content-Type headers only, not in the body", () => {
    const raw = Buffer.from(
      'Content-Type: text/plain;\r\n format="flowed"; DelSp=Yes\r\n\r\nWe discussed format=flowed today.\r\n',
    );
    const out = withoutFlowed(raw);
    expect(out).toMatchObject({ flowed: true, delSp: true });
    expect(out.raw.toString()).toBe(
      "Content-Type: text/plain;\r\n format=fixed; DelSp=Yes\r\n\r\nWe discussed format=flowed today.\r\n",
    );
    const plain = Buffer.from("Content-Type: text/plain\r\n\r\nformat=flowed\r\n");
    expect(withoutFlowed(plain)).toEqual({ raw: plain, flowed: false, delSp: false });
  });

  it("finds format=flowed in a part header anywhere in a large message, across the slices it is read in", () => {
    // The message is searched a megabyte at a time; these put the parameter across the first boundary.
    for (const at of [1024 * 1024 - 10, 1024 * 1024 - 3, 1024 * 1024, 3 * 1024 * 1024 + 5]) {
      const header = "Content-Type: text/plain; format=flowed\r\n\r\n";
      const lead = `Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n`;
      const filler = "x".repeat(at - lead.length - "\r\n--b\r\n".length - "Content-Type: text/plain; ".length);
      const raw = Buffer.from(`${lead}${filler}\r\n--b\r\n${header}Hi \r\nthere\r\n--b--\r\n`);
      expect(raw.indexOf("format=flowed")).toBe(at);
      const out = withoutFlowed(raw);
      expect(out.flowed).toBe(true);
      expect(out.raw.includes("format=fixed")).toBe(true);
    }
  });

  it("keeps a Thunderbird reply whose attribution line ends in a soft break (it was stored empty)", async () => {
    const parsed = await parseEmail(mailFixture("thunderbird-flowed-reply.eml"));
    const trimmed = trimReply(bodyOf(parsed));
    expect(trimmed.message).toBe(
      "Thanks, that fixed it. The printer has not shown the toner warning since the restart this morning.",
    );
    expect(trimmed.stripped).toBe(
      [
        "On 01/12/2026 09:15, Support wrote:",
        "> Please restart the printer and tell us whether the warning comes  back.",
        ">> Earlier: the warning shows every hour.",
      ].join("\n"),
    );
  });
});

describe("a multipart message without parts", () => {
  it("is read from its raw body instead of as empty (the customer was told their email was empty)", async () => {
    const raw = mailFixture("multipart-without-parts.eml");
    const content = contentOf(await parseEmail(raw), raw, readHeaders(raw));
    expect(content.body).toBe("Yes, the printer works again since this morning.\n\nAda");
  });
});
