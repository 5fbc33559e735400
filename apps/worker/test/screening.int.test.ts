// Issue 13.3 with the real checkers: a SpamAssassin spamd (Debian's, installed like Dovecot) scores each
// message, and mailauth authenticates the sender against a local DNS server reached through
// SENDER_AUTH_DNS_SERVERS. GTUBE is quarantined as spam with its score and rules (releasable); a normal
// mail passes; a DKIM-signed mail passes DMARC; an unsigned mail from a domain whose DMARC policy is reject
// is quarantined with the reason and never answered; a project's own threshold is respected.
import crypto from "node:crypto";
import { loadConfig } from "@tidings/config";
import {
  ingestSettingsFromConfig,
  processInboundEmail,
  receiveEmail,
  routeSettingsOf,
  smtpSource,
  updateServiceDeskSettings,
} from "@tidings/core";
import { type DnsServer, startDnsServer } from "@tidings/core/src/ingest/testing/dns-server.ts";
import { createIngestWorld } from "@tidings/core/src/ingest/testing/world.ts";
import { OutboundEmailEntity } from "@tidings/db";
import { createTestDatabase, type TestDatabase } from "@tidings/db/testing";
import { dkimSign } from "mailauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Spamd, startSpamd } from "./spamd.ts";

const GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

describe("spam and sender authentication (13.3)", () => {
  let spamd: Spamd;
  let dns: DnsServer;
  let db: TestDatabase;
  const { publicKey, privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const spki = publicKey.export({ type: "spki", format: "der" }).toString("base64");

  beforeAll(async () => {
    spamd = await startSpamd();
    dns = await startDnsServer({
      "_dmarc.bank.example": "v=DMARC1; p=reject",
      "_dmarc.good.example": "v=DMARC1; p=reject",
      "sel1._domainkey.good.example": `v=DKIM1; k=rsa; p=${spki}`,
      "spf.example": "v=spf1 ip4:127.0.0.1 -all",
      "_dmarc.spf.example": "v=DMARC1; p=reject",
    });
    db = await createTestDatabase();
  }, 120_000);
  afterAll(async () => {
    await spamd?.stop();
    await dns?.close();
    await db?.drop();
  });

  it("quarantines GTUBE as spam and DMARC reject failures, passes normal and DKIM-signed mail, stores every verdict", async () => {
    const w = await createIngestWorld(db.dataSource);
    // The screening settings come from the worker's configuration, as in a deployment.
    const config = loadConfig({ SPAM_CHECK_URL: spamd.url, SENDER_AUTH_DNS_SERVERS: dns.server });
    const settings = { ...w.settings, screening: ingestSettingsFromConfig(config).screening };
    const to = `incoming+${w.project.fullPathSlug}-${w.project.id}-issue-@appmail.adventuretime.ooo`;
    const mail = (from: string, subject: string, body: string) =>
      Buffer.from(
        [
          `From: ${from}`,
          `To: ${to}`,
          `Subject: ${subject}`,
          `Date: ${new Date().toUTCString()}`,
          `Message-ID: <${crypto.randomUUID()}@${from.split("@")[1].replace(">", "")}>`,
          "",
          body,
          "",
        ].join("\r\n"),
      );
    const run = async (raw: Buffer, smtp?: { ip: string; helo: string; mailFrom: string }) => {
      const stored = await db.dataSource.transaction((m) =>
        receiveEmail(m, {
          raw,
          ...(smtp
            ? { transport: "smtp" as const, source: smtpSource(smtp.ip, smtp.helo), envelopeFrom: smtp.mailFrom }
            : { transport: "webhook" as const }),
          maxEmailBytes: settings.maxEmailBytes,
          route: routeSettingsOf(settings.mail),
        }),
      );
      const result = await processInboundEmail(db.dataSource, settings, stored.id);
      const [row] = await db.dataSource.query("SELECT screening FROM inbound_emails WHERE id = $1", [stored.id]);
      return { result, screening: row.screening };
    };

    const spam = await run(mail("Spammer <offers@spam.example>", "Cheap", `Buy now ${GTUBE}`));
    expect(spam.result).toMatchObject({ status: "ignored", projectId: w.project.id });
    expect(spam.result?.reason).toMatch(/^Spam: score \d+\.\d is at or above the threshold 5\.0 \(.*GTUBE.*\)\.$/);
    expect(spam.screening.spam.rules).toContain("GTUBE");

    const normal = await run(mail("Ada <ada@customer.example>", "Printer", "The printer on floor 2 shows error 49."));
    expect(normal.result?.status).toBe("issue");
    expect(normal.screening.spam.score).toBeLessThan(5);
    expect(normal.screening.auth).toMatchObject({ dkim: "none" });

    const forged = await run(mail("CEO <ceo@bank.example>", "Urgent wire", "Please wire 50,000 EUR today."));
    expect(forged.result).toMatchObject({ status: "ignored", projectId: w.project.id });
    expect(forged.result?.reason).toMatch(
      /sender authentication failed — bank\.example publishes a DMARC policy of reject/,
    );
    expect(forged.screening.auth).toMatchObject({ dmarc: "fail", dmarcPolicy: "reject" });

    const unsigned = mail("Grace <grace@good.example>", "Signed question", "Is this signed?");
    // signTime: without it mailauth's signer reads the clock twice (for the signed header and the header it
    // writes), and a signature that straddles a half second carries a t= it was not made with.
    const { signatures, errors } = await dkimSign(unsigned, {
      signTime: new Date(),
      signatureData: [
        {
          signingDomain: "good.example",
          selector: "sel1",
          privateKey: privateKey.export({ type: "pkcs8", format: "pem" }),
        },
      ],
    } as never);
    expect(signatures).toMatch(/^DKIM-Signature: /);
    expect(errors).toEqual([]);
    const signed = await run(Buffer.concat([Buffer.from(signatures), unsigned]));
    expect(signed.result?.status).toBe("issue");
    expect(signed.screening.auth).toMatchObject({ dkim: "pass", dkimDomain: "good.example", dmarc: "pass" });

    // Received over SMTP from an address the domain's SPF record names: SPF passes, and so does DMARC.
    const viaSmtp = await run(mail("Linus <linus@spf.example>", "SPF question", "Sent from our own server."), {
      ip: "127.0.0.1",
      helo: "mail.spf.example",
      mailFrom: "linus@spf.example",
    });
    expect(viaSmtp.result?.status).toBe("issue");
    expect(viaSmtp.screening.auth).toMatchObject({ spf: "pass", dmarc: "pass" });
    const spoofed = await run(mail("Linus <linus@spf.example>", "Spoofed", "Not from their server."), {
      ip: "127.0.0.2",
      helo: "elsewhere.example",
      mailFrom: "linus@spf.example",
    });
    expect(spoofed.screening.auth).toMatchObject({ spf: "fail", dmarc: "fail" });
    expect(spoofed.result?.status).toBe("ignored");

    // Not answered: no rejection email went to the forged sender or the spammer.
    const outbox = await db.dataSource.getRepository(OutboundEmailEntity).find();
    expect(outbox.map((o) => o.toAddress).sort()).toEqual([
      "ada@customer.example",
      "grace@good.example",
      "linus@spf.example",
    ]);

    // A project's own threshold: refused when meaningless, respected when set (2, below SpamAssassin's 5, for a message with a malformed Message-ID).
    const refused = await db.dataSource.transaction((m) =>
      updateServiceDeskSettings(m, { projectId: w.project.id, spamThreshold: -1 }),
    );
    expect(refused).toEqual({
      ok: false,
      errors: ["Spam threshold must be a score above 0 and at most 1000 (SpamAssassin's own is 5), or blank."],
    });
    const saved = await db.dataSource.transaction((m) =>
      updateServiceDeskSettings(m, { projectId: w.project.id, spamThreshold: 2 }),
    );
    expect(saved.ok).toBe(true);
    const sloppy = mail("Ada <ada@customer.example>", "Printer again", "Still error 49.");
    const strict = await run(
      Buffer.from(sloppy.toString().replace(/Message-ID: <[^>]+>/, "Message-ID: <not a message id>>")),
    );
    expect(strict.result?.status).toBe("ignored");
    expect(strict.result?.reason).toMatch(/is at or above the threshold 2\.0/);
  });
});
