import type { NoteEntity } from "@tidings/db";
import { Field, ID } from "type-graphql";
import { ObjectType } from "../object-type.ts";
import { toGid } from "../ids.ts";
import { PageInfoType } from "./common.type.ts";

@ObjectType("Note")
export class NoteType {
  @Field(() => ID) id!: string;
  /** Exposed through NoteResolver.body (system notes name customers' addresses). */
  bodyRaw!: string;
  @Field(() => Boolean) internal!: boolean;
  @Field(() => Boolean) system!: boolean;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  @Field(() => Date, { nullable: true, description: "When the note was last edited (issue 11.6)." })
  lastEditedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: "A deleted note keeps its place; its body is empty." })
  deletedAt!: Date | null;
  lastEditedById!: number | null;
  deletedById!: number | null;
  /** Not exposed. */
  dbId!: number;
  issueId!: number;
  projectId!: number;
  authorId!: number;
  externalAuthorRaw!: string | null;
}

export const presentNote = (e: NoteEntity, projectId: number): NoteType => ({
  id: toGid("Note", e.id),
  bodyRaw: e.body,
  internal: e.internal,
  system: e.system,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
  lastEditedAt: e.lastEditedAt,
  deletedAt: e.deletedAt,
  lastEditedById: e.lastEditedById,
  deletedById: e.deletedById,
  dbId: e.id,
  issueId: e.issueId,
  projectId,
  authorId: e.authorId,
  externalAuthorRaw: e.externalAuthor,
});

@ObjectType("NoteConnection")
export class NoteConnectionType {
  @Field(() => [NoteType]) nodes!: NoteType[];
  @Field(() => PageInfoType) pageInfo!: PageInfoType;
}
