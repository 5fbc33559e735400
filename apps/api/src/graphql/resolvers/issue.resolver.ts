import { customerAddressVisibility, ISSUE_COUNT_CAP, noteVisibility, obfuscateEmailsIn } from "@tidings/core";
import { NoteEntity } from "@tidings/db";
import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from "type-graphql";
import type { ApiContext } from "../../context.ts";
import { canViewIssue } from "../access.ts";
import { toGid } from "../ids.ts";
import { externalAddressFor } from "../issue-fields.ts";
import { loadersOf } from "../loaders.ts";
import { loadNow, type MaybePromise, withValue } from "../settled.ts";
import {
  EmailParticipantType,
  IssueConnectionType,
  IssueEmailType,
  IssuePermissionsType,
  IssueType,
  presentIssue,
  SearchSnippetType,
} from "../types/issue.type.ts";
import { LabelConnectionType } from "../types/label.type.ts";
import { NoteConnectionType, NoteType, presentNote } from "../types/note.type.ts";
import { ProjectType, presentProject } from "../types/project.type.ts";
import { UserConnectionType, UserType } from "../types/user.type.ts";
import { DEFAULT_NOTES_PAGE_SIZE, pageSize } from "./project.resolver.ts";

const encodeNoteCursor = (id: number) => Buffer.from(`note:${id}`).toString("base64url");
const decodeNoteCursor = (cursor: string): number | null => {
  const m = /^note:(\d{1,10})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  return m ? Number(m[1]) : null;
};

export const presentUser = (u: { id: number; username: string; name: string }): UserType => ({
  id: toGid("User", u.id),
  username: u.username,
  name: u.name,
});

@Resolver(() => IssueConnectionType)
export class IssueConnectionResolver {
  @FieldResolver(() => Int, {
    description:
      "How many issues match the filters (all pages), exactly: reads every match, so it grows with the project. Lists use `countCapped`.",
  })
  count(@Root() c: IssueConnectionType): Promise<number> {
    return c.countFn();
  }

  @FieldResolver(() => Int, {
    description: `How many issues match, exact up to ${ISSUE_COUNT_CAP.toLocaleString("en")}; when more match it is ${ISSUE_COUNT_CAP.toLocaleString("en")} and \`countIsExact\` is false (show "${ISSUE_COUNT_CAP.toLocaleString("en")}+", as GitLab). Cheap at any size.`,
  })
  async countCapped(@Root() c: IssueConnectionType): Promise<number> {
    return (await c.cappedCountFn()).count;
  }

  @FieldResolver(() => Boolean, { description: "False when more issues match than `countCapped` says." })
  async countIsExact(@Root() c: IssueConnectionType): Promise<boolean> {
    return (await c.cappedCountFn()).exact;
  }
}

@Resolver(() => IssueType)
export class IssueResolver {
  @FieldResolver(() => String, { nullable: true })
  async description(@Root() issue: IssueType, @Ctx() ctx: ApiContext): Promise<string | null> {
    if (issue.descriptionRaw !== undefined) return issue.descriptionRaw;
    return (await loadersOf(ctx).issueById.load(issue.dbId))?.description ?? null;
  }

  @FieldResolver(() => SearchSnippetType, {
    nullable: true,
    description:
      "In a searched list (`issues(search:)`), the excerpt that matched, from text the viewer may read; null elsewhere.",
  })
  searchSnippet(@Root() issue: IssueType): SearchSnippetType | null {
    if (issue.pageSnippets instanceof Error) throw issue.pageSnippets;
    return issue.pageSnippets?.get(issue.dbId) ?? null;
  }

  @FieldResolver(() => UserType, { nullable: true, description: "Support Bot for Service Desk issues." })
  author(@Root() issue: IssueType, @Ctx() ctx: ApiContext): MaybePromise<UserType | null> {
    return withValue(loadNow(loadersOf(ctx).userById, issue.authorId), (user) => (user ? presentUser(user) : null));
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "The requester's address; obfuscated for viewers below Reporter (GitLab item 32).",
  })
  externalAuthor(@Root() issue: IssueType, @Ctx() ctx: ApiContext): MaybePromise<string | null> {
    return externalAddressFor(ctx, issue.projectId, issue.externalAuthorRaw);
  }

  @FieldResolver(() => LabelConnectionType)
  labels(@Root() issue: IssueType, @Ctx() ctx: ApiContext): MaybePromise<LabelConnectionType> {
    return withValue(loadNow(loadersOf(ctx).labelsByIssueId, issue.dbId), (rows) => ({
      nodes: rows.map((l) => ({ id: toGid("Label", l.id), title: l.title, color: l.color })),
    }));
  }

  @FieldResolver(() => UserConnectionType)
  assignees(@Root() issue: IssueType, @Ctx() ctx: ApiContext): MaybePromise<UserConnectionType> {
    return withValue(loadNow(loadersOf(ctx).assigneesByIssueId, issue.dbId), (rows) => ({
      nodes: rows.map(presentUser),
    }));
  }

  @FieldResolver(() => NoteConnectionType, {
    description:
      "The timeline, oldest first (100 per page unless `first` says otherwise); internal notes only for Reporter+.",
  })
  async notes(
    @Root() issue: IssueType,
    @Ctx() ctx: ApiContext,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<NoteConnectionType> {
    const abilities = await loadersOf(ctx).abilities.load(issue.projectId);
    const limit = pageSize(first, DEFAULT_NOTES_PAGE_SIZE);
    const afterId = after ? decodeNoteCursor(after) : null;
    if (after && afterId === null) return { nodes: [], pageInfo: { hasNextPage: false, endCursor: null } };
    const qb = ctx.dataSource.manager
      .createQueryBuilder(NoteEntity, "n")
      .where("n.issueId = :issueId", { issueId: issue.dbId })
      .orderBy("n.id", "ASC")
      .take(limit + 1);
    const visible = noteVisibility.sql(abilities ?? { readProject: false, readConfidential: false }, "n");
    if (visible !== "TRUE") qb.andWhere(visible);
    if (afterId !== null) qb.andWhere("n.id > :afterId", { afterId });
    const rows = await qb.getMany();
    const nodes = rows.slice(0, limit).map((n) => presentNote(n, issue.projectId));
    return {
      nodes,
      pageInfo: {
        hasNextPage: rows.length > limit,
        endCursor: nodes.length ? encodeNoteCursor(nodes.at(-1)!.dbId) : null,
      },
    };
  }

  @FieldResolver(() => [EmailParticipantType], {
    nullable: true,
    description: "External participants; null below Reporter (their addresses are private, B2/item 32).",
  })
  async emailParticipants(@Root() issue: IssueType, @Ctx() ctx: ApiContext): Promise<EmailParticipantType[] | null> {
    const abilities = await loadersOf(ctx).abilities.load(issue.projectId);
    if (!abilities || !customerAddressVisibility.allows(abilities)) return null;
    const rows = await loadersOf(ctx).participantsByIssueId.load(issue.dbId);
    return rows.map((p) => ({ email: p.email, unsubscribed: p.unsubscribedAt !== null }));
  }

  @FieldResolver(() => [IssueEmailType], {
    nullable: true,
    description: "The email log, oldest first (D5); null below Reporter.",
  })
  async emails(@Root() issue: IssueType, @Ctx() ctx: ApiContext): Promise<IssueEmailType[] | null> {
    const abilities = await loadersOf(ctx).abilities.load(issue.projectId);
    if (!abilities || !customerAddressVisibility.allows(abilities)) return null;
    const rows = await loadersOf(ctx).emailsByIssueId.load(issue.dbId);
    return rows.map((r) => ({
      id: String(r.id),
      to: r.to_address,
      subject: r.subject,
      kind: r.kind,
      status: r.status,
      error: r.status === "sent" ? null : r.last_error,
      attempts: r.attempts,
      createdAt: r.created_at,
      sentAt: r.sent_at,
    }));
  }

  @FieldResolver(() => String)
  async webUrl(@Root() issue: IssueType, @Ctx() ctx: ApiContext): Promise<string> {
    const project = await loadersOf(ctx).projectById.load(issue.projectId);
    return `${ctx.mail.publicUrl.replace(/\/$/, "")}/${project?.fullPath}/-/issues/${issue.iid}`;
  }

  @FieldResolver(() => String, { description: "e.g. demo/app#12" })
  async reference(@Root() issue: IssueType, @Ctx() ctx: ApiContext): Promise<string> {
    const project = await loadersOf(ctx).projectById.load(issue.projectId);
    return `${project?.fullPath}#${issue.iid}`;
  }

  @FieldResolver(() => ProjectType, { description: "The project the issue belongs to." })
  async project(@Root() issue: IssueType, @Ctx() ctx: ApiContext): Promise<ProjectType> {
    return presentProject((await loadersOf(ctx).projectById.load(issue.projectId))!);
  }

  @FieldResolver(() => IssueType, { nullable: true, description: "Where the issue was moved; null if not visible." })
  async movedTo(@Root() issue: IssueType, @Ctx() ctx: ApiContext): Promise<IssueType | null> {
    if (issue.movedToId === null) return null;
    const target = await loadersOf(ctx).issueById.load(issue.movedToId);
    return target && (await canViewIssue(ctx, target)) ? presentIssue(target) : null;
  }

  @FieldResolver(() => IssuePermissionsType)
  async userPermissions(@Root() issue: IssueType, @Ctx() ctx: ApiContext): Promise<IssuePermissionsType> {
    const a = await loadersOf(ctx).abilities.load(issue.projectId);
    const read = await canViewIssue(ctx, {
      id: issue.dbId,
      projectId: issue.projectId,
      confidential: issue.confidential,
    });
    return {
      readIssue: read,
      updateIssue: read && (a?.updateIssue ?? false),
      createNote: read && (a?.createNote ?? false),
      createInternalNote: read && (a?.createInternalNote ?? false),
      readExternalEmails: read && !!a && customerAddressVisibility.allows(a),
      moveInboundMessage: read && (a?.moveInboundMessage ?? false),
    };
  }
}

@Resolver(() => NoteType)
export class NoteResolver {
  @FieldResolver(() => String, {
    description: "The note's Markdown; customers' addresses in system notes are obfuscated below Reporter.",
  })
  async body(@Root() note: NoteType, @Ctx() ctx: ApiContext): Promise<string> {
    if (!note.system) return note.bodyRaw;
    const abilities = await loadersOf(ctx).abilities.load(note.projectId);
    return abilities && customerAddressVisibility.allows(abilities) ? note.bodyRaw : obfuscateEmailsIn(note.bodyRaw);
  }

  @FieldResolver(() => UserType, { nullable: true })
  async author(@Root() note: NoteType, @Ctx() ctx: ApiContext): Promise<UserType | null> {
    const user = await loadersOf(ctx).userById.load(note.authorId);
    return user ? presentUser(user) : null;
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "The sender of an email-created note; obfuscated below Reporter.",
  })
  externalAuthor(@Root() note: NoteType, @Ctx() ctx: ApiContext): MaybePromise<string | null> {
    return externalAddressFor(ctx, note.projectId, note.externalAuthorRaw);
  }
}
