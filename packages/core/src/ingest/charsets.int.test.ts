// C11: charsets and malformed MIME, built from real bytes. Nothing here may crash the pipeline: every
// message ends as an issue or a quarantined row with a reason.
import { randomBytes } from "node:crypto";
import { AttachmentEntity, type DataSource, InboundEmailEntity, IssueEntity, OutboundEmailEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import iconv from "iconv-lite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REJECTION } from "./rejection-texts.ts";
import { createIngestWorld } from "./testing/world.ts";

let db: TestDatabase;
let ds: DataSource;
let world: Awaited<ReturnType<typeof createIngestWorld>>;
let to: string;
beforeAll(async () => {
  db = await createTestDatabase();
  ds = db.dataSource;
  world = await createIngestWorld(ds);
  to = `incoming+email-test-${world.project.id}-issue-@appmail.adventuretime.ooo`;
});
afterAll(async () => db.drop());

let n = 0;
/** Joins header lines and a body that may be raw bytes in any charset. */
const message = (headers: string[], body: Buffer | string, opts: { messageId?: boolean } = {}) => {
  n++;
  const head = [
    `From: Customer <c${n}@example.org>`,
    `To: ${to}`,
    ...(opts.messageId === false ? [] : [`Message-ID: <cs-${n}@example.org>`]),
    ...headers,
  ];
  return Buffer.concat([
    Buffer.from(`${head.join("\r\n")}\r\n\r\n`, "latin1"),
    Buffer.isBuffer(body) ? body : Buffer.from(body, "latin1"),
  ]);
};
const issueOf = async (raw: Buffer) => {
  const { result } = await world.ingest(raw);
  expect(result?.status).toBe("issue");
  return ds.getRepository(IssueEntity).findOneByOrFail({ id: result!.issueId! });
};

describe("charsets (C11)", () => {
  it("decodes an ISO-8859-2 quoted-printable body and a Q-encoded subject", async () => {
    const text = "Zażółć gęślą jaźń";
    const qp = [...iconv.encode(text, "iso-8859-2")]
      .map((b) => (b < 128 ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase()}`))
      .join("");
    const subject = `=?ISO-8859-2?Q?${qp.replace(/ /g, "_")}?=`;
    const issue = await issueOf(
      message(
        [
          `Subject: ${subject}`,
          "MIME-Version: 1.0",
          "Content-Type: text/plain; charset=ISO-8859-2",
          "Content-Transfer-Encoding: quoted-printable",
        ],
        qp,
      ),
    );
    expect(issue.title).toBe(text);
    expect(issue.description).toBe(text);
  });

  it("decodes Windows-1252 8-bit bytes (€, curly quotes)", async () => {
    const text = "Price: 12 € — “quoted” ‘text’";
    const issue = await issueOf(
      message(
        [
          "Subject: cp1252",
          "MIME-Version: 1.0",
          "Content-Type: text/plain; charset=windows-1252",
          "Content-Transfer-Encoding: 8bit",
        ],
        iconv.encode(text, "windows-1252"),
      ),
    );
    expect(issue.description).toBe(text);
  });

  it("decodes a Shift_JIS body and a B-encoded Shift_JIS subject", async () => {
    const subject = "お問い合わせ";
    const body = "プリンターが動きません。";
    const issue = await issueOf(
      message(
        [
          `Subject: =?Shift_JIS?B?${iconv.encode(subject, "shift_jis").toString("base64")}?=`,
          "MIME-Version: 1.0",
          "Content-Type: text/plain; charset=Shift_JIS",
          "Content-Transfer-Encoding: 8bit",
        ],
        iconv.encode(body, "shift_jis"),
      ),
    );
    expect(issue.title).toBe(subject);
    expect(issue.description).toBe(body);
  });

  it("keeps going on bytes that are illegal in the declared UTF-8", async () => {
    const issue = await issueOf(
      message(
        ["Subject: broken utf-8", "Content-Type: text/plain; charset=utf-8"],
        Buffer.from([0x48, 0x69, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0x21]),
      ),
    );
    expect(issue.description.startsWith("Hi ")).toBe(true);
  });

  it("decodes an RFC 2231 file name split over continuations", async () => {
    const raw = message(
      ["Subject: attachment name", "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="xx"'],
      [
        "--xx",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "see attached",
        "--xx",
        "Content-Type: application/octet-stream",
        "Content-Disposition: attachment;",
        " filename*0*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E;",
        " filename*1*=%E3%81%AE%E8%AB%8B%E6%B1%82%E6%9B%B8.txt",
        "Content-Transfer-Encoding: base64",
        "",
        Buffer.from("invoice").toString("base64"),
        "--xx--",
        "",
      ].join("\r\n"),
    );
    const issue = await issueOf(raw);
    const [att] = await ds.getRepository(AttachmentEntity).findBy({ issueId: issue.id });
    expect(att.filename).toBe("日本語の請求書.txt");
    expect(issue.description).toContain(
      `[日本語の請求書.txt](/uploads/${att.secret}/${encodeURIComponent("日本語の請求書.txt")})`,
    );
  });
});

describe("HTML mail (C5)", () => {
  it("converts HTML-only mail to Markdown and points an inline cid: image at its stored upload", async () => {
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
      "base64",
    );
    const raw = message(
      ["Subject: html with inline image", "MIME-Version: 1.0", 'Content-Type: multipart/related; boundary="rel"'],
      [
        "--rel",
        "Content-Type: text/html; charset=utf-8",
        "",
        '<p>Hello <b>team</b>, see <a href="https://example.org/x">the page</a>:</p><p><img src="cid:shot@x" alt="shot"></p>',
        "<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>",
        "--rel",
        "Content-Type: image/png",
        "Content-ID: <shot@x>",
        "Content-Transfer-Encoding: base64",
        "",
        png.toString("base64"),
        "--rel--",
        "",
      ].join("\r\n"),
    );
    const issue = await issueOf(raw);
    const [att] = await ds.getRepository(AttachmentEntity).findBy({ issueId: issue.id });
    expect(issue.description).toContain("Hello **team**, see [the page](https://example.org/x):");
    expect(issue.description).toContain(`![shot](/uploads/${att.secret}/`);
    expect(issue.description).not.toContain("cid:");
    expect(issue.description).toMatch(/\| A \| B \|/);
  });
});

describe("malformed MIME (C11)", () => {
  it("uses the content hash without a Message-ID: the same bytes twice make one issue", async () => {
    const raw = message(["Subject: no id"], "hello", { messageId: false });
    const first = await world.ingest(raw);
    const second = await world.ingest(raw);
    expect(first.result?.status).toBe("issue");
    expect(second.stored).toMatchObject({ id: first.stored.id, duplicate: true });
    const row = await ds.getRepository(InboundEmailEntity).findOneByOrFail({ id: first.stored.id });
    expect(row.idempotencyKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(row.messageId).toBeNull();
  });

  it("titles a message without a Subject '(no subject)'", async () => {
    expect((await issueOf(message([], "the body"))).title).toBe("(no subject)");
  });

  it("survives a truncated multipart (no closing boundary, cut inside a base64 part)", async () => {
    const raw = message(
      ["Subject: truncated", "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="cut"'],
      [
        "--cut",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "The text part arrived.",
        "--cut",
        "Content-Type: image/png",
        "Content-Transfer-Encoding: base64",
        'Content-Disposition: attachment; filename="half.png"',
        "",
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB",
      ].join("\r\n"),
    );
    const issue = await issueOf(raw);
    expect(issue.description).toContain("The text part arrived.");
  });

  it("never crashes on bytes that are not an email at all", async () => {
    const { result } = await world.ingest(randomBytes(4096));
    expect(["rejected", "failed", "ignored"]).toContain(result?.status);
    expect(result?.reason).toBeTruthy();
  });

  it("rejects a 30 MB message cleanly: its head is kept with the reason, the sender is told", async () => {
    const big = message(["Subject: thirty megabytes", "Content-Type: text/plain"], Buffer.alloc(30 * 1024 * 1024, "y"));
    const { stored, result } = await world.ingest(big);
    expect(result).toMatchObject({ status: "rejected" });
    expect(result!.reason).toContain(REJECTION.emailTooLarge);
    const row = await ds.getRepository(InboundEmailEntity).findOneByOrFail({ id: stored.id });
    expect(row.sizeBytes).toBe(big.length);
    expect(row.raw.length).toBeLessThanOrEqual(64 * 1024);
    const rejection = await ds.getRepository(OutboundEmailEntity).findOneByOrFail({ inboundEmailId: stored.id });
    expect(rejection.toAddress).toMatch(/^c\d+@example\.org$/);
    expect(rejection.subject).toBe("[Rejected] thirty megabytes");
  });
});
