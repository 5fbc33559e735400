import { describe, expect, it } from "vitest";
import { mailboxKeyOf, parseImapUrl } from "./imap-consumer.ts";
import { backoffMs } from "./mailbox-lease.ts";

describe("imap-consumer helpers", () => {
  it("parses the mailbox URL and keys the cursor without the password", () => {
    const t = parseImapUrl("imaps://support%40acme.test:s3cr%2Ft@mail.acme.test/Service%20Desk");
    expect(t).toEqual({
      host: "mail.acme.test",
      port: 993,
      secure: true,
      user: "support@acme.test",
      pass: "s3cr/t",
      mailbox: "Service Desk",
    });
    expect(mailboxKeyOf("incoming", t)).toBe("incoming:support@acme.test@mail.acme.test:993/Service Desk");
    expect(mailboxKeyOf("incoming", t)).not.toContain("s3cr");
    expect(parseImapUrl("imap://u:p@127.0.0.1").mailbox).toBe("INBOX");
  });

  it("backs off exponentially with jitter, capped at a minute", () => {
    expect(backoffMs(0, () => 0)).toBe(250);
    expect(backoffMs(0, () => 1)).toBe(500);
    expect(backoffMs(3, () => 1)).toBe(4000);
    expect(backoffMs(30, () => 1)).toBe(60_000);
    expect(backoffMs(30, () => 0)).toBe(30_000);
  });
});
