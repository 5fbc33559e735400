// Issue 11.6 and 11.7 through GraphQL: edit and delete a note (its author, or Maintainer+: canEditNote, the
// one rule), its history (Reporter+), and, for a public reply, its delivery to each recipient (the
// customers' addresses: Reporter+, customerAddressVisibility).
import {
  canEditNote,
  customerAddressVisibility,
  deleteNote,
  editNote,
  type NoteChange,
  noteVersions,
} from "@tidings/core";
import { type EntityManager, NoteEntity } from "@tidings/db";
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Mutation, Resolver, Root } from "type-graphql";
import { ObjectType } from "../object-type.ts";
import type { ApiContext } from "../../context.ts";
import { canViewNote, NOT_FOUND_OR_FORBIDDEN, readableIssue } from "../access.ts";
import { fromGid } from "../ids.ts";
import { loadersOf } from "../loaders.ts";
import { runMutation } from "../mutation.ts";
import { NoteType, presentNote } from "../types/note.type.ts";
import { UserType } from "../types/user.type.ts";
import { presentUser } from "./issue.resolver.ts";

@ObjectType("NotePermissions")
export class NotePermissionsType {
  @Field(() => Boolean, { description: "May edit and delete this note (its author, or Maintainer+)." })
  adminNote!: boolean;
}

@ObjectType("NoteVersion", { description: "The body a note had before an edit or a deletion." })
export class NoteVersionType {
  @Field(() => ID) id!: string;
  @Field(() => String) body!: string;
  @Field(() => String, { description: "edited or deleted" }) action!: string;
  @Field(() => Date) changedAt!: Date;
  @Field(() => UserType, { nullable: true }) changedBy!: UserType | null;
}

@ObjectType("NoteDelivery", { description: "Issue 11.7: one email of a public reply, to one recipient." })
export class NoteDeliveryType {
  @Field(() => String) to!: string;
  @Field(() => String, { description: "queued, sending, sent or failed" }) status!: string;
  @Field(() => Date, { nullable: true }) sentAt!: Date | null;
  @Field(() => String, { nullable: true, description: "What the receiving server answered (sent)." })
  serverResponse!: string | null;
  @Field(() => String, { nullable: true, description: "Why it failed or is retried." }) error!: string | null;
  @Field(() => Number) attempts!: number;
}

@InputType("UpdateNoteInput")
export class UpdateNoteInput {
  @Field(() => ID) id!: string;
  @Field(() => String) body!: string;
}

@InputType("DestroyNoteInput")
export class DestroyNoteInput {
  @Field(() => ID) id!: string;
}

@ObjectType("NoteChangePayload")
export class NoteChangePayload {
  @Field(() => NoteType, { nullable: true }) note!: NoteType | null;
  @Field(() => Boolean, {
    description: "The note had been emailed: the change is not sent again (the customer keeps the first text).",
  })
  alreadyEmailed!: boolean;
  @Field(() => [String]) errors!: string[];
}

/** The note, its issue and the viewer's abilities, when the viewer can see it. */
const readableNote = async (ctx: ApiContext, noteId: number | null) => {
  if (noteId === null) return null;
  const note = await ctx.dataSource.manager.findOneBy(NoteEntity, { id: noteId });
  if (!note) return null;
  const found = await readableIssue(ctx, note.issueId);
  return found && canViewNote(found.abilities, note) ? { note, ...found } : null;
};

/** An edit or a deletion: allowed by canEditNote (the one rule), the same answer for hidden and absent. */
const changeNote = async (
  ctx: ApiContext,
  gid: string,
  work: (db: EntityManager, noteId: number, actorId: number) => Promise<NoteChange>,
): Promise<NoteChangePayload> => {
  const found = await readableNote(ctx, fromGid("Note", gid));
  const viewer = ctx.viewer;
  if (!viewer || !found || !canEditNote(found.abilities, viewer, found.note))
    return { note: null, alreadyEmailed: false, errors: [NOT_FOUND_OR_FORBIDDEN] };
  const result = await runMutation(ctx, (db) => work(db, found.note.id, viewer.id));
  if (!result.ok) return { note: null, alreadyEmailed: false, errors: result.errors };
  return {
    note: presentNote(result.value.note, found.issue.projectId),
    alreadyEmailed: result.value.alreadyEmailed,
    errors: [],
  };
};

@Resolver(() => NoteType)
export class NoteEditsResolver {
  @FieldResolver(() => NotePermissionsType)
  async userPermissions(@Root() note: NoteType, @Ctx() ctx: ApiContext): Promise<NotePermissionsType> {
    const abilities = await loadersOf(ctx).abilities.load(note.projectId);
    const row = {
      authorId: note.authorId,
      system: note.system,
      externalAuthor: note.externalAuthorRaw,
      deletedAt: note.deletedAt,
    };
    return { adminNote: abilities ? canEditNote(abilities, ctx.viewer, row) : false };
  }

  @FieldResolver(() => UserType, { nullable: true })
  async lastEditedBy(@Root() note: NoteType, @Ctx() ctx: ApiContext): Promise<UserType | null> {
    const user = note.lastEditedById ? await loadersOf(ctx).userById.load(note.lastEditedById) : null;
    return user ? presentUser(user) : null;
  }

  @FieldResolver(() => UserType, { nullable: true })
  async deletedBy(@Root() note: NoteType, @Ctx() ctx: ApiContext): Promise<UserType | null> {
    const user = note.deletedById ? await loadersOf(ctx).userById.load(note.deletedById) : null;
    return user ? presentUser(user) : null;
  }

  @FieldResolver(() => [NoteVersionType], { description: "Earlier bodies, oldest first (Reporter+; else empty)." })
  async versions(@Root() note: NoteType, @Ctx() ctx: ApiContext): Promise<NoteVersionType[]> {
    if (!note.lastEditedAt && !note.deletedAt) return [];
    const abilities = await loadersOf(ctx).abilities.load(note.projectId);
    if (!abilities?.readNoteHistory) return [];
    const versions = await noteVersions(ctx.dataSource.manager, note.dbId);
    const users = await Promise.all(
      versions.map((v) => (v.changedById ? loadersOf(ctx).userById.load(v.changedById) : null)),
    );
    return versions.map((v, i) => ({
      id: String(v.id),
      body: v.body,
      action: v.action,
      changedAt: v.changedAt,
      changedBy: users[i] ? presentUser(users[i]) : null,
    }));
  }

  @FieldResolver(() => [NoteDeliveryType], {
    description: "Issue 11.7: the emails of a public reply, one per recipient (Reporter+; else empty).",
  })
  async deliveries(@Root() note: NoteType, @Ctx() ctx: ApiContext): Promise<NoteDeliveryType[]> {
    if (note.internal || note.system || note.externalAuthorRaw) return [];
    const abilities = await loadersOf(ctx).abilities.load(note.projectId);
    if (!abilities || !customerAddressVisibility.allows(abilities)) return [];
    const rows: {
      to_address: string;
      status: string;
      sent_at: Date | null;
      server_response: string | null;
      last_error: string | null;
      attempts: number;
    }[] = await ctx.dataSource.query(
      `SELECT to_address, status, sent_at, server_response, last_error, attempts
         FROM outbound_emails WHERE note_id = $1 ORDER BY id`,
      [note.dbId],
    );
    return rows.map((r) => ({
      to: r.to_address,
      status: r.status,
      sentAt: r.sent_at,
      serverResponse: r.server_response,
      error: r.last_error,
      attempts: r.attempts,
    }));
  }

  @Mutation(() => NoteChangePayload, {
    description: "Edits a note (its author, or Maintainer+); the earlier body is kept; an emailed note is not re-sent.",
  })
  updateNote(
    @Arg("input", () => UpdateNoteInput) input: UpdateNoteInput,
    @Ctx() ctx: ApiContext,
  ): Promise<NoteChangePayload> {
    return changeNote(ctx, input.id, (db, noteId, actorId) => editNote(db, { noteId, actorId, body: input.body }));
  }

  @Mutation(() => NoteChangePayload, {
    description:
      "Deletes a note (its author, or Maintainer+): it stays in the thread as deleted, its text in the history.",
  })
  destroyNote(
    @Arg("input", () => DestroyNoteInput) input: DestroyNoteInput,
    @Ctx() ctx: ApiContext,
  ): Promise<NoteChangePayload> {
    return changeNote(ctx, input.id, (db, noteId, actorId) => deleteNote(db, { noteId, actorId }));
  }
}
