// Issue 11.6: a note is edited or deleted with its history kept (note_versions). The caller has checked
// canEditNote (the one policy). An edit never sends the note's email again; the outcome says whether the
// customer already received it, so the author is told.
import { type EntityManager, NoteEntity } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { publishEvent } from "../events/publish.ts";
import { MAX_NOTE_LENGTH } from "./create-note.ts";

export type NoteChange = { note: NoteEntity; alreadyEmailed: boolean };

/**
 * Was this note emailed to anyone (queued or sent)? Then an edit or delete does not reach the customer. A
 * public reply on a ticket whose participants all unsubscribed was not.
 */
export const noteWasEmailed = async (db: EntityManager, noteId: number) =>
  (
    await db.query(
      `SELECT EXISTS (SELECT 1 FROM outbound_emails WHERE note_id = $1 AND status <> 'failed') AS emailed`,
      [noteId],
    )
  )[0].emailed as boolean;

const lockNote = async (db: EntityManager, noteId: number) => {
  const note = await db.findOne(NoteEntity, { where: { id: noteId }, lock: { mode: "pessimistic_write" } });
  if (!note || note.deletedAt) throw new DomainError("NOT_FOUND", "The note does not exist.");
  if (note.system) throw new DomainError("INVALID_INPUT", "System notes record what happened: they can't be changed.");
  return note;
};

const projectOf = async (db: EntityManager, issueId: number): Promise<number> =>
  (await db.query("SELECT project_id FROM issues WHERE id = $1", [issueId]))[0].project_id;

const keepVersion = (db: EntityManager, note: NoteEntity, action: "edited" | "deleted", actorId: number) =>
  db.query(`INSERT INTO note_versions (note_id, body, action, changed_by_id) VALUES ($1, $2, $3, $4)`, [
    note.id,
    note.body,
    action,
    actorId,
  ]);

/** Stores the change, tells every open thread, and says whether the customer already had it by email. */
const saved = async (db: EntityManager, note: NoteEntity): Promise<NoteChange> => {
  await db.save(note);
  await publishEvent(db, {
    type: "note_updated",
    projectId: await projectOf(db, note.issueId),
    issueId: note.issueId,
    noteId: note.id,
  });
  return { note, alreadyEmailed: await noteWasEmailed(db, note.id) };
};

export const editNote = async (
  db: EntityManager,
  input: { noteId: number; actorId: number; body: string },
): Promise<NoteChange> => {
  const body = input.body.trim();
  if (!body) throw new DomainError("INVALID_INPUT", "Note can't be blank. To remove it, delete it.");
  if (body.length > MAX_NOTE_LENGTH)
    throw new DomainError("INVALID_INPUT", "Note is too long (maximum is 1,000,000 characters).");
  const note = await lockNote(db, input.noteId);
  if (note.body === body) return { note, alreadyEmailed: await noteWasEmailed(db, note.id) };
  await keepVersion(db, note, "edited", input.actorId);
  note.body = body;
  note.lastEditedAt = new Date();
  note.lastEditedById = input.actorId;
  return saved(db, note);
};

/** The note keeps its place in the thread as "deleted"; its text stays in the history. */
export const deleteNote = async (
  db: EntityManager,
  input: { noteId: number; actorId: number },
): Promise<NoteChange> => {
  const note = await lockNote(db, input.noteId);
  await keepVersion(db, note, "deleted", input.actorId);
  note.body = "";
  note.deletedAt = new Date();
  note.deletedById = input.actorId;
  return saved(db, note);
};

export type NoteVersion = {
  id: number;
  body: string;
  action: "edited" | "deleted";
  changedById: number | null;
  changedAt: Date;
};

/** Earlier bodies, oldest first. */
export const noteVersions = async (db: EntityManager, noteId: number): Promise<NoteVersion[]> =>
  (
    await db.query(
      `SELECT id, body, action, changed_by_id, changed_at FROM note_versions WHERE note_id = $1 ORDER BY id`,
      [noteId],
    )
  ).map(
    (r: {
      id: number;
      body: string;
      action: "edited" | "deleted";
      changed_by_id: number | null;
      changed_at: Date;
    }) => ({
      id: r.id,
      body: r.body,
      action: r.action,
      changedById: r.changed_by_id,
      changedAt: r.changed_at,
    }),
  );
