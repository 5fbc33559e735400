// The header scan that replaces mailauth's (mailauth-header-scan.ts) splits every message exactly as
// mailauth's own does, however the message arrives in chunks, and DKIM verifies the same through it.
import { generateKeyPairSync } from "node:crypto";
import { dkimSign } from "mailauth/lib/dkim/sign.js";
import { dkimVerify } from "mailauth/lib/dkim/verify.js";
import { MessageParser } from "mailauth/lib/dkim/message-parser.js";
import { describe, expect, it } from "vitest";
import {
  mailauthProcessChunk,
  PROVEN_PROCESS_CHUNK_SHA256,
  processChunkFingerprint,
  scanHeaderEnd,
  useFastHeaderScan,
} from "./mailauth-header-scan.ts";

type Scan = (this: unknown, chunk: Buffer) => Promise<void>;

/** Feeds `chunks` to a fresh mailauth parser through `scan`; what it split off and handed over. */
const split = async (scan: Scan, chunks: Buffer[]) => {
  const parser = new MessageParser() as unknown as Record<string, unknown>;
  const bodies: Buffer[] = [];
  let headerCalls = 0;
  parser.messageHeaders = async () => void headerCalls++;
  parser.nextChunk = async (chunk: Buffer) => void bodies.push(Buffer.from(chunk));
  for (const chunk of chunks) await scan.call(parser, chunk);
  return {
    state: parser.state,
    headerBlock: Buffer.concat(parser.headerChunks as Buffer[]).toString("latin1"),
    headers: JSON.stringify(parser.headers),
    headerCalls,
    body: Buffer.concat(bodies).toString("latin1"),
    carried: parser.state === "header" ? parser.stateBytes : null,
  };
};

/** A small deterministic generator (mulberry32), so a failure names a reproducible case. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

/** `bytes` cut at random places, with an empty chunk now and then. */
const chunked = (bytes: Buffer, next: () => number) => {
  const chunks: Buffer[] = [];
  let at = 0;
  while (at < bytes.length) {
    const size = next() < 0.3 ? 1 : 1 + Math.floor(next() * 12);
    chunks.push(bytes.subarray(at, at + size));
    if (next() < 0.05) chunks.push(Buffer.alloc(0));
    at += size;
  }
  return chunks;
};

const REAL = [
  "From: a@example.org\r\nTo: b@example.net\r\nSubject: hi\r\n\r\nBody line\r\n",
  "From: a@example.org\nSubject: bare LF\n\nBody\n",
  "Subject: mixed\r\n\nBody after LF CR? no: after CR LF LF\r\n",
  "\r\nBody with no header at all\r\n",
  "\n\nTwo LFs first\n",
  "Subject: no body\r\n\r\n",
  "Subject: no end of header\r\nX-Other: yes\r\n",
  "Subject: folded\r\n continued\r\n\r\nbody\r\n\r\n\r\nmore\r\n",
];

describe("mailauth's header scan, replaced", () => {
  it("is proven against the mailauth installed here", () => {
    // When this fails, mailauth's processChunk changed (an upgrade): run the tests below against it, and
    // only then update PROVEN_PROCESS_CHUNK_SHA256. Until then the worker keeps mailauth's own scan.
    expect(processChunkFingerprint(mailauthProcessChunk)).toBe(PROVEN_PROCESS_CHUNK_SHA256);
  });

  it("splits real-looking messages like mailauth, in one chunk and byte by byte", async () => {
    for (const text of REAL) {
      const bytes = Buffer.from(text, "latin1");
      for (const chunks of [[bytes], [...bytes].map((b) => Buffer.from([b]))]) {
        expect(await split(scanHeaderEnd as Scan, chunks), JSON.stringify(text)).toEqual(
          await split(mailauthProcessChunk as Scan, chunks),
        );
      }
    }
  });

  it("splits 3,000 random CR/LF-heavy inputs, cut at random places, like mailauth", async () => {
    const next = random(14);
    const alphabet = ["a", "b", ":", " ", "\r", "\n", "\n", "\r\n"];
    for (let n = 0; n < 3_000; n++) {
      const text = Array.from(
        { length: Math.floor(next() * 40) },
        () => alphabet[Math.floor(next() * alphabet.length)],
      ).join("");
      const chunks = chunked(Buffer.from(text, "latin1"), next);
      expect(await split(scanHeaderEnd as Scan, chunks), `case ${n}: ${JSON.stringify(text)}`).toEqual(
        await split(mailauthProcessChunk as Scan, chunks),
      );
    }
  });

  it("verifies a DKIM signature under a 7 KB header block the same way (pass, and not once altered)", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const relays = Array.from(
      { length: 50 },
      (_, i) =>
        `Received: from mx${i}.example.net (mx${i}.example.net [192.0.2.${i}]) by mx.example.org with ESMTPS id q${i}; Sat, 21 Nov 2026 12:00:00 +0000`,
    );
    const message = Buffer.from(
      [
        ...relays,
        "From: Ana <ana@signed.example>",
        "To: desk@example.org",
        "Subject: Refund",
        "",
        "Please refund order 4242.",
        "",
      ].join("\r\n"),
    );
    // signTime: without it mailauth's signer reads the clock twice (for the signed header and the header it
    // writes), and a signature that straddles a half second carries a t= it was not made with.
    const { signatures } = await dkimSign(message, {
      signTime: new Date(),
      signatureData: [
        {
          signingDomain: "signed.example",
          selector: "s1",
          privateKey: privateKey.export({ type: "pkcs8", format: "pem" }),
        },
      ],
    });
    const signed = Buffer.concat([Buffer.from(signatures), message]);
    const altered = Buffer.from(signed.toString().replace("order 4242", "order 4243"));
    const key = publicKey.export({ type: "spki", format: "der" }).toString("base64");
    const resolver = async (name: string) => {
      if (name === "s1._domainkey.signed.example") return [[`v=DKIM1; k=rsa; p=${key}`]];
      throw Object.assign(new Error(`no ${name}`), { code: "ENOTFOUND" });
    };
    const verdicts = async () =>
      Promise.all([signed, altered].map(async (m) => (await dkimVerify(m, { resolver })).results[0].status.result));

    const before = await verdicts();
    expect(useFastHeaderScan()).toBe(true);
    expect((MessageParser.prototype as { processChunk: unknown }).processChunk).toBe(scanHeaderEnd);
    // mailauth says "neutral" for a body that no longer matches its signed hash.
    expect(before).toEqual(["pass", "neutral"]);
    expect(await verdicts()).toEqual(before);
  });

  it("leaves mailauth's own scan in place when it is not the one proven", () => {
    const proto = MessageParser.prototype as { processChunk: unknown };
    const current = proto.processChunk;
    proto.processChunk = mailauthProcessChunk;
    try {
      expect(useFastHeaderScan("another mailauth")).toBe(false);
      expect(proto.processChunk).toBe(mailauthProcessChunk);
    } finally {
      proto.processChunk = current;
    }
  });
});
