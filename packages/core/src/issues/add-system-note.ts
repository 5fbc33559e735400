import { type EntityManager, NoteEntity } from "@tidings/db";
import { publishEvent } from "../events/publish.ts";

/** Records an event on the issue's timeline ("closed", "moved to …"); system notes are never emailed. */
export const addSystemNote = async (
  db: EntityManager,
  input: { projectId: number; issueId: number; authorId: number; body: string; internal?: boolean },
) => {
  const note = await db.save(
    db.create(NoteEntity, {
      issueId: input.issueId,
      authorId: input.authorId,
      body: input.body,
      system: true,
      internal: input.internal ?? false,
    }),
  );
  await publishEvent(db, { type: "note_created", projectId: input.projectId, issueId: input.issueId, noteId: note.id });
  return note;
};
