import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { AttachmentEntity, type EntityManager } from "@tidings/db";
import { DomainError } from "../errors.ts";

export type IncomingAttachment = {
  filename?: string | null;
  contentType: string;
  contentId?: string | null;
} & (
  | { content: Buffer }
  /** Not kept when the message was read: larger than the attachment limit, so never stored (its size says by how much). */
  | { content: null; size: number }
);

const sizeOf = (a: IncomingAttachment) => (a.content === null ? a.size : a.content.length);

export type StoredAttachment = { id: number; markdown: string; url: string; contentId: string | null };

/** Signature parts of multipart/signed are not attachments a person sent (item 22). */
const SKIPPED_TYPES = new Set([
  "application/pkcs7-signature",
  "application/x-pkcs7-signature",
  "application/pgp-signature",
]);

/** A safe file name for the URL and Content-Disposition: no path, no control chars, bounded. */
export const safeFilename = (name: string | null | undefined, contentType: string): string => {
  const base = (name ?? "").split(/[\\/]/).pop() ?? "";
  const clean = Array.from(base, (ch) => (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? "_" : ch))
    .join("")
    .replace(/["<>|*?:]/g, "_")
    .replace(/^\.+/, "")
    .trim()
    .slice(0, 200);
  if (clean) return clean;
  const ext = contentType
    .split("/")[1]
    ?.replace(/[^a-z0-9]/gi, "")
    .slice(0, 10);
  return ext ? `attachment.${ext}` : "attachment";
};

/** Content-addressed path under DATA_DIR/uploads: the same bytes are stored once. */
export const uploadPath = (dataDir: string, sha256: string) =>
  path.join(dataDir, "uploads", sha256.slice(0, 2), sha256);

const writeOnce = async (file: string, content: Buffer) => {
  try {
    await fs.access(file);
    return;
  } catch {
    // not there yet
  }
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 }); // private, whatever the umask (issue 9.5)
  const tmp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  await fs.writeFile(tmp, content, { mode: 0o600 });
  await fs.rename(tmp, file);
};

const escapeLinkText = (s: string) => s.replace(/[[\]\\]/g, "\\$&");

/** Errors of the uploads directory (full, read-only, missing permission), not of the message (issue 15.7). */
const STORAGE_ERRORS = new Set(["ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "ENOTDIR", "EEXIST", "EIO", "EFBIG"]);

export const isStorageError = (err: unknown): err is NodeJS.ErrnoException =>
  STORAGE_ERRORS.has((err as NodeJS.ErrnoException)?.code ?? "");

const mbOf = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/**
 * C5/item 22: stores each attachment under DATA_DIR/uploads (content-addressed by SHA-256), records a row
 * with a random secret, and returns the Markdown links to append (`![name](/uploads/<secret>/<file>)` for
 * images, `[name](…)` otherwise). An attachment over the size limit is not stored; a line says so.
 */
export const storeAttachments = async (
  db: EntityManager,
  input: {
    dataDir: string;
    maxAttachmentBytes: number;
    projectId: number;
    inboundEmailId: number;
    attachments: IncomingAttachment[];
    /** Told about each attachment the uploads directory refused (e.g. to log and count it). */
    onStorageError?: (err: NodeJS.ErrnoException) => void;
  },
): Promise<{ stored: StoredAttachment[]; skippedNotes: string[] }> => {
  const stored: StoredAttachment[] = [];
  const skippedNotes: string[] = [];
  for (const a of input.attachments) {
    const contentType = (a.contentType || "application/octet-stream").toLowerCase();
    if (SKIPPED_TYPES.has(contentType)) continue;
    const filename = safeFilename(a.filename, contentType);
    if (a.content === null || a.content.length > input.maxAttachmentBytes) {
      skippedNotes.push(
        `_The attachment “${escapeLinkText(filename)}” (${mbOf(sizeOf(a))}) was not stored: it is larger than the limit of ${mbOf(input.maxAttachmentBytes)}._`,
      );
      continue;
    }
    const sha256 = createHash("sha256").update(a.content).digest("hex");
    try {
      await writeOnce(uploadPath(input.dataDir, sha256), a.content);
    } catch (err) {
      // A full or unwritable uploads directory must not turn a valid email into a failure: the issue is
      // made, this line says what is missing, and the original (with the attachment) stays in the ledger.
      if (!isStorageError(err)) throw err;
      input.onStorageError?.(err);
      skippedNotes.push(
        `_The attachment “${escapeLinkText(filename)}” (${mbOf(a.content.length)}) could not be stored (${err.code}: the server's upload storage is full or not writable); it is still in the original email, stored as inbound email #${input.inboundEmailId}._`,
      );
      continue;
    }
    const secret = randomBytes(16).toString("hex");
    const row = await db.save(
      db.create(AttachmentEntity, {
        projectId: input.projectId,
        inboundEmailId: input.inboundEmailId,
        secret,
        filename,
        contentType,
        sizeBytes: a.content.length,
        sha256,
      }),
    );
    stored.push({
      id: row.id,
      ...linkTo(secret, filename, contentType),
      contentId: a.contentId?.replace(/^<|>$/g, "") ?? null,
    });
  }
  return { stored, skippedNotes };
};

/** The download URL of a stored file and its Markdown (an image is shown, anything else linked). */
const linkTo = (secret: string, filename: string, contentType: string) => {
  const url = `/uploads/${secret}/${encodeURIComponent(filename)}`;
  const text = escapeLinkText(filename);
  return { url, markdown: contentType.startsWith("image/") ? `![${text}](${url})` : `[${text}](${url})` };
};

/**
 * Issue 11.2: a file a responder attaches in the composer, stored like an email's attachments and held
 * for its uploader until a comment takes it (postComment checks it is theirs and free).
 */
export const storeUpload = async (
  db: EntityManager,
  input: {
    dataDir: string;
    maxAttachmentBytes: number;
    projectId: number;
    uploaderId: number;
    filename: string | null;
    contentType: string;
    content: Buffer;
  },
): Promise<StoredAttachment & { filename: string; contentType: string; sizeBytes: number }> => {
  const contentType = (input.contentType || "application/octet-stream").toLowerCase().split(";")[0].trim();
  const filename = safeFilename(input.filename, contentType);
  if (input.content.length === 0) throw new DomainError("INVALID_INPUT", `“${filename}” is empty.`);
  if (input.content.length > input.maxAttachmentBytes)
    throw new DomainError(
      "INVALID_INPUT",
      `“${filename}” (${mbOf(input.content.length)}) is larger than the limit of ${mbOf(input.maxAttachmentBytes)}.`,
    );
  const sha256 = createHash("sha256").update(input.content).digest("hex");
  await writeOnce(uploadPath(input.dataDir, sha256), input.content);
  const secret = randomBytes(16).toString("hex");
  const row = await db.save(
    db.create(AttachmentEntity, {
      projectId: input.projectId,
      uploadedById: input.uploaderId,
      secret,
      filename,
      contentType,
      sizeBytes: input.content.length,
      sha256,
    }),
  );
  return {
    id: row.id,
    ...linkTo(secret, filename, contentType),
    contentId: null,
    filename,
    contentType,
    sizeBytes: row.sizeBytes,
  };
};
