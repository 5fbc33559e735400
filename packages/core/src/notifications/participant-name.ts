// Who wrote a participant's note, as the other participants are shown it (issue 12.5): the display name
// their own email carried ("Dave Miller" of `Dave Miller <dave@example.com>`), read from the stored
// message; without one, their address obfuscated as GitLab shows it to outsiders (item 32).
import { type EntityManager, InboundEmailEntity, type NoteEntity } from "@tidings/db";
import { type AddressObject, type ParsedMail, simpleParser } from "mailparser";
import { bodyStart } from "../ingest/headers.ts";
import { obfuscateEmail } from "../issues/obfuscate-email.ts";

/** The header block is all we read of the stored message (the rest may be megabytes of attachments). */
const HEAD_BYTES = 64 * 1024;
const MAX_NAME_CHARS = 80;

/**
 * A display name fit to show: control and bidi characters, quotes and brackets removed, whitespace
 * collapsed, at most 80 characters. A name holding an address (`"ceo@bank.example" <x@evil>`) is no
 * name: shown beside our address it would impersonate.
 */
export const cleanDisplayName = (name: string | null | undefined): string | null => {
  const cleaned = (name ?? "")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069"<>\\]/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, MAX_NAME_CHARS)
    .trim();
  if (!cleaned || cleaned.includes("@")) return null;
  return cleaned;
};

const nameFor = (objects: (AddressObject | AddressObject[] | undefined)[], address: string): string | null => {
  const wanted = address.toLowerCase();
  for (const o of objects.flatMap((x) => (Array.isArray(x) ? x : x ? [x] : []))) {
    for (const v of o.value) if (v.address?.toLowerCase() === wanted && v.name) return v.name;
  }
  return null;
};

/**
 * The display name a parsed message gives `address` (Reply-To, From, Sender: the requester's order), fit to
 * show. One rule for the name stored with a new issue (decide) and the one read back from a stored email.
 */
export const displayNameOf = (
  parsed: Pick<ParsedMail, "replyTo" | "from" | "headers">,
  address: string,
): string | null =>
  cleanDisplayName(
    nameFor([parsed.replyTo, parsed.from, parsed.headers.get("sender") as AddressObject | undefined], address),
  );

/** The display name in a stored message's header block for `address` (displayNameOf's rule). */
export const displayNameIn = async (raw: Buffer, address: string): Promise<string | null> => {
  const head = raw.subarray(0, bodyStart(raw));
  const parsed = await simpleParser(Buffer.concat([head, Buffer.from("\r\n\r\n")]), {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
  });
  return displayNameOf(parsed, address);
};

/**
 * How a participant's note names its author in the emails to the others: the display name of the
 * message it came from (found by its Message-ID), else the obfuscated address.
 */
export const participantName = async (
  db: EntityManager,
  note: Pick<NoteEntity, "externalAuthor" | "messageId">,
): Promise<string> => {
  const address = note.externalAuthor ?? "";
  if (note.messageId) {
    const rows: { head: Buffer }[] = await db
      .createQueryBuilder(InboundEmailEntity, "e")
      .select(`substring(e.raw from 1 for ${HEAD_BYTES})`, "head")
      .where("e.message_id = :id", { id: note.messageId })
      .orderBy("e.id", "DESC")
      .limit(5)
      .getRawMany();
    for (const { head } of rows) {
      const name = await displayNameIn(head, address).catch(() => null);
      if (name) return name;
    }
  }
  return obfuscateEmail(address);
};
