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

/** Every message the product has sent so far (the capture inbox), oldest first. */
export const capturedMail = async (): Promise<(ParsedMail & { envelopeTo: string })[]> => {
  const files = fs.existsSync(E2E.inboxDir) ? fs.readdirSync(E2E.inboxDir).sort() : [];
  return Promise.all(
    files.map(async (f) => {
      const raw = fs.readFileSync(path.join(E2E.inboxDir, f));
      const parsed = await simpleParser(raw);
      return Object.assign(parsed, { envelopeTo: String(parsed.headers.get("x-envelope-to") ?? "") });
    }),
  );
};

/** Waits until a captured message matches, and returns it. */
export const waitForMail = async (match: (m: ParsedMail & { envelopeTo: string }) => boolean, timeout = 20_000) => {
  let found: (ParsedMail & { envelopeTo: string }) | undefined;
  await expect
    .poll(
      async () => {
        found = (await capturedMail()).find(match);
        return !!found;
      },
      { timeout, message: "waiting for an outbound email in the capture inbox" },
    )
    .toBe(true);
  return found as ParsedMail & { envelopeTo: string };
};
