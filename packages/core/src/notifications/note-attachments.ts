import { AttachmentEntity, type EntityManager, type OutboundAttachment } from "@tidings/db";

/** D2 (GitLab: EMAIL_ATTACHMENTS_SIZE_LIMIT): a note's files travel as real attachments up to this total. */
export const EMAIL_ATTACHMENTS_MAX_BYTES = 10 * 1024 * 1024;

/** Where an upload lives, relative to DATA_DIR: content-addressed by its SHA-256. */
export const uploadStoragePath = (sha256: string) => `uploads/${sha256.slice(0, 2)}/${sha256}`;

/**
 * The note's attachments as outbox attachments when they total at most 10 MB; above that none are
 * attached and the links in the note text stay the way to reach them.
 */
export const noteEmailAttachments = async (db: EntityManager, noteId: number): Promise<OutboundAttachment[]> => {
  const rows = await db.find(AttachmentEntity, { where: { noteId }, order: { id: "ASC" } });
  const total = rows.reduce((sum, a) => sum + a.sizeBytes, 0);
  if (rows.length === 0 || total > EMAIL_ATTACHMENTS_MAX_BYTES) return [];
  return rows.map((a) => ({
    filename: a.filename,
    contentType: a.contentType,
    storagePath: uploadStoragePath(a.sha256),
    sizeBytes: a.sizeBytes,
  }));
};
