// The mail bench/ingest.ts sends: ~5 KB plain-text messages, and ~24 MB ones with an attachment for the
// memory row.

import { deskAddress } from "./inbound-worker.ts";

/** The size of a big message (the RSS row's flood). */
export const BIG_BYTES = 24 * 1024 * 1024;

/** What a message needs of its project: its desk address's parts. */
type Project = Parameters<typeof deskAddress>[0];

/** ~5 KB plain-text messages, each from its own sender, to the project's Service Desk address. */
export const messageFor = (project: Project, tag: string, i: number) =>
  Buffer.from(
    [
      `From: Customer ${i} <customer${i}@${tag}.example.org>`,
      `To: ${deskAddress(project)}`,
      `Subject: Printer ${i} is on fire (${tag})`,
      `Message-ID: <${tag}-${i}@example.org>`,
      "Date: Sat, 21 Nov 2026 12:00:00 +0000",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      ...Array.from({ length: 60 }, (_, l) => `Line ${l}: the quick brown fox jumps over the lazy dog; ticket ${i}.`),
      "",
    ].join("\r\n"),
  );

/** A ~24 MB message: a short text and one base64 attachment. */
export const bigMessageFor = (project: Project, tag: string, i: number) => {
  const payload = Buffer.alloc(Math.floor((BIG_BYTES * 3) / 4) - 4096, i % 251)
    .toString("base64")
    .replace(/.{76}/g, "$&\r\n");
  return Buffer.from(
    [
      `From: Big ${i} <big${i}@${tag}.example.org>`,
      `To: ${deskAddress(project)}`,
      `Subject: Log files ${i} (${tag})`,
      `Message-ID: <${tag}-${i}@example.org>`,
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="b"',
      "",
      "--b",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "The logs are attached.",
      "--b",
      'Content-Type: application/octet-stream; name="logs.bin"',
      "Content-Transfer-Encoding: base64",
      "",
      payload,
      "--b--",
      "",
    ].join("\r\n"),
  );
};
