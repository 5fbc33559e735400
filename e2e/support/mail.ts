import fs from "node:fs";
import path from "node:path";
import { expect } from "@playwright/test";
import { type ParsedMail, simpleParser } from "mailparser";
import nodemailer, { type SendMailOptions } from "nodemailer";
import { E2E } from "./constants.ts";

/** Sends an email to the product's SMTP listener, as a customer's mail server would. */
export const sendCustomerMail = async (mail: SendMailOptions) => {
  const transport = nodemailer.createTransport({
    host: "127.0.0.1",
    port: E2E.inboundSmtpPort,
    secure: false,
    ignoreTLS: true,
  });
  try {
    return await transport.sendMail(mail);
  } finally {
    transport.close();
  }
};

/**
 * Answers an email the product sent, as a mail client does: to its Reply-To (the reply-key address), with
 * "Re:" and the threading headers.
 */
export const replyToMail = (mail: ParsedMail, reply: { from: string; text: string }) =>
  sendCustomerMail({
    from: reply.from,
    to: mail.replyTo?.value[0]?.address,
    subject: /^re:/i.test(mail.subject ?? "") ? mail.subject : `Re: ${mail.subject ?? ""}`,
    inReplyTo: mail.messageId,
    references: mail.messageId ? [mail.messageId] : undefined,
    text: reply.text,
  });

/**
 * Every message the product has sent so far (the capture inbox; or `dir`, e.g. the customer-domain relay's),
 * oldest first.
 */
export const capturedMail = async (dir = E2E.inboxDir): Promise<(ParsedMail & { envelopeTo: string })[]> => {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
  return Promise.all(
    files.map(async (f) => {
      const raw = fs.readFileSync(path.join(dir, f));
      const parsed = await simpleParser(raw);
      return Object.assign(parsed, { envelopeTo: String(parsed.headers.get("x-envelope-to") ?? "") });
    }),
  );
};

/** Waits until a captured message matches, and returns it. */
export const waitForMail = async (
  match: (m: ParsedMail & { envelopeTo: string }) => boolean,
  timeout = 20_000,
  dir = E2E.inboxDir,
) => {
  let found: (ParsedMail & { envelopeTo: string }) | undefined;
  await expect
    .poll(
      async () => {
        found = (await capturedMail(dir)).find(match);
        return !!found;
      },
      { timeout, message: "waiting for an outbound email in the capture inbox" },
    )
    .toBe(true);
  return found as ParsedMail & { envelopeTo: string };
};
