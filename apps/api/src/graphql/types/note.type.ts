import type { NoteEntity } from "@tidings/db";
import { Field, ID, ObjectType } from "type-graphql";
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
