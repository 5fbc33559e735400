import {
  deleteInboundEmail,
  ingestSettingsFromConfig,
  awaitInboundOutcome,
  type QuarantineScope,
  quarantineCount,
  quarantinePage,
  releaseInboundEmail,
  retryInboundEmail,
} from "@tidings/core";
import { InboundEmailEntity } from "@tidings/db";
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { ApiContext } from "../../context.ts";
import { NOT_FOUND_OR_FORBIDDEN, readableIssue, readableProject } from "../access.ts";
import { fromGid } from "../ids.ts";
import { loadersOf } from "../loaders.ts";
import { runMutation } from "../mutation.ts";
import { QuarantineStatus } from "../types/enums.ts";

/** How long a retry waits for the worker's outcome before answering with the message still queued. */
const RETRY_WAIT_MS = 10_000;
import {
  InboundEmailConnectionType,
  InboundEmailsBulkInput,
  InboundEmailsBulkPayload,
  MAX_BULK_INBOUND,
  InboundEmailDeleteInput,
  InboundEmailPayload,
  InboundEmailReleaseInput,
  InboundEmailRetryInput,
  InboundEmailType,
  MAX_RAW_SOURCE_CHARS,
  presentInboundEmail,
} from "../types/inbound-email.type.ts";
import { IssueType, presentIssue } from "../types/issue.type.ts";
import { ProjectType, presentProject } from "../types/project.type.ts";
import { pageSize } from "./project.resolver.ts";

/**
 * C12: a message routed to a project is managed by its Maintainers+; one that reached no project
 * (unknown address, auto-reply to nobody) by instance admins only.
 */
const canManage = async (ctx: ApiContext, projectId: number | null) => {
  if (ctx.viewer?.admin) return true;
  if (projectId === null || !ctx.viewer) return false;
  return (await loadersOf(ctx).abilities.load(projectId))?.adminServiceDesk ?? false;
};

const manageableEmail = async (ctx: ApiContext, gid: string) => {
  const id = fromGid("InboundEmail", gid);
  if (id === null) return null;
  const row = await ctx.dataSource.manager.findOne(InboundEmailEntity, {
    where: { id },
    select: { id: true, projectId: true, status: true },
  });
  return row && (await canManage(ctx, row.projectId)) ? row : null;
};

/** Every asked message the viewer may manage, or one sentence about what is wrong (and nothing is done). */
const manageableEmails = async (
  ctx: ApiContext,
  gids: string[],
): Promise<{ ok: true; value: { id: number }[] } | { ok: false; errors: string[] }> => {
  const unique = [...new Set(gids)];
  if (unique.length === 0) return { ok: false, errors: ["Select at least one message."] };
  if (unique.length > MAX_BULK_INBOUND) {
    return {
      ok: false,
      errors: [`Select at most ${MAX_BULK_INBOUND} messages at a time (you selected ${unique.length}).`],
    };
  }
  const rows = await Promise.all(unique.map((gid) => manageableEmail(ctx, gid)));
  const missing = rows.filter((r) => r === null).length;
  if (missing > 0) {
    return {
      ok: false,
      errors: [
        `${missing === 1 ? "One of the selected messages" : `${missing} of the selected messages`} cannot be found or you don't have permission to manage it; nothing was changed.`,
      ],
    };
  }
  return { ok: true, value: rows.filter((r): r is NonNullable<typeof r> => r !== null) };
};

const reload = async (ctx: ApiContext, id: number) =>
  presentInboundEmail(await ctx.dataSource.manager.findOneByOrFail(InboundEmailEntity, { id }));

@Resolver(() => InboundEmailType)
export class QuarantineResolver {
  @Query(() => InboundEmailConnectionType, {
    description:
      "Quarantined messages, newest first (C12). With projectPath: that project's (Maintainer+); without: all (admins).",
  })
  async quarantine(
    @Ctx() ctx: ApiContext,
    @Arg("projectPath", () => ID, { nullable: true }) projectPath: string | null,
    @Arg("status", () => QuarantineStatus, { nullable: true }) status: QuarantineStatus | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<InboundEmailConnectionType> {
    const empty = { nodes: [], pageInfo: { hasNextPage: false, endCursor: null }, count: 0 };
    let projectId: number | null = null;
    if (projectPath) {
      const found = await readableProject(ctx, { fullPath: projectPath });
      if (!found?.abilities.adminServiceDesk) return empty;
      projectId = found.project.id;
    } else if (!ctx.viewer?.admin) {
      return empty;
    }
    const limit = pageSize(first);
    const afterId = after && /^\d{1,10}$/.test(after) ? Number(after) : null;
    const scope: QuarantineScope = { projectId: projectId ?? "all", status };
    const db = ctx.dataSource.manager;
    const [count, rows] = await Promise.all([
      quarantineCount(db, scope),
      quarantinePage(db, scope, { limit: limit + 1, afterId }),
    ]);
    const nodes = rows.slice(0, limit).map(presentInboundEmail);
    return {
      nodes,
      pageInfo: { hasNextPage: rows.length > limit, endCursor: nodes.length ? String(nodes.at(-1)!.dbId) : null },
      count,
    };
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "The message as received (RFC 822), decoded as UTF-8; cut at 1,000,000 characters.",
  })
  async rawSource(@Root() e: InboundEmailType, @Ctx() ctx: ApiContext): Promise<string | null> {
    if (!(await canManage(ctx, e.projectId))) return null;
    const row = await ctx.dataSource.manager.findOne(InboundEmailEntity, {
      where: { id: e.dbId },
      select: { id: true, raw: true },
    });
    return row ? row.raw.toString("utf8").slice(0, MAX_RAW_SOURCE_CHARS) : null;
  }

  @FieldResolver(() => ProjectType, { nullable: true, description: "The project it was routed to, if visible." })
  async project(@Root() e: InboundEmailType, @Ctx() ctx: ApiContext): Promise<ProjectType | null> {
    if (e.projectId === null) return null;
    const found = await readableProject(ctx, { id: e.projectId });
    return found ? presentProject(found.project) : null;
  }

  @FieldResolver(() => IssueType, { nullable: true, description: "The issue it opened or commented on, if visible." })
  async issue(@Root() e: InboundEmailType, @Ctx() ctx: ApiContext): Promise<IssueType | null> {
    const found = await readableIssue(ctx, e.issueId);
    return found ? presentIssue(found.issue) : null;
  }

  @Mutation(() => InboundEmailPayload, { description: "Runs the pipeline again for a quarantined message (C12)." })
  async inboundEmailRetry(
    @Arg("input", () => InboundEmailRetryInput) input: InboundEmailRetryInput,
    @Ctx() ctx: ApiContext,
  ): Promise<InboundEmailPayload> {
    const row = await manageableEmail(ctx, input.id);
    if (!row) return { inboundEmail: null, errors: [NOT_FOUND_OR_FORBIDDEN] };
    const result = await runMutation(ctx, (db) => retryInboundEmail(db, { id: row.id }));
    if (!result.ok) return { inboundEmail: null, errors: result.errors };
    // The worker processes it (signalled on commit); the answer waits a little for its outcome.
    await awaitInboundOutcome(ctx.dataSource, row.id, { timeoutMs: RETRY_WAIT_MS });
    return { inboundEmail: await reload(ctx, row.id), errors: [] };
  }

  @Mutation(() => InboundEmailPayload, {
    description: "Applies a quarantined message to a project as Service Desk mail (Maintainer+ of both; C12).",
  })
  async inboundEmailRelease(
    @Arg("input", () => InboundEmailReleaseInput) input: InboundEmailReleaseInput,
    @Ctx() ctx: ApiContext,
  ): Promise<InboundEmailPayload> {
    const row = await manageableEmail(ctx, input.id);
    if (!row) return { inboundEmail: null, errors: [NOT_FOUND_OR_FORBIDDEN] };
    const target = await readableProject(ctx, { fullPath: input.projectPath });
    if (!target?.abilities.adminServiceDesk) return { inboundEmail: null, errors: [NOT_FOUND_OR_FORBIDDEN] };
    const result = await runMutation(ctx, (db) =>
      releaseInboundEmail(db, ingestSettingsFromConfig(ctx.config), { id: row.id, projectId: target.project.id }),
    );
    if (!result.ok) return { inboundEmail: null, errors: result.errors };
    return { inboundEmail: await reload(ctx, row.id), errors: [] };
  }

  @Mutation(() => InboundEmailsBulkPayload, {
    description: "Issue 12.7: retries many quarantined messages in one transaction; waits a little for their outcomes.",
  })
  async inboundEmailsRetry(
    @Arg("input", () => InboundEmailsBulkInput) input: InboundEmailsBulkInput,
    @Ctx() ctx: ApiContext,
  ): Promise<InboundEmailsBulkPayload> {
    const rows = await manageableEmails(ctx, input.ids);
    if (!rows.ok) return { inboundEmails: [], errors: rows.errors };
    const result = await runMutation(ctx, async (db) => {
      for (const row of rows.value) await retryInboundEmail(db, { id: row.id });
    });
    if (!result.ok) return { inboundEmails: [], errors: result.errors };
    await Promise.all(rows.value.map((r) => awaitInboundOutcome(ctx.dataSource, r.id, { timeoutMs: RETRY_WAIT_MS })));
    return { inboundEmails: await Promise.all(rows.value.map((r) => reload(ctx, r.id))), errors: [] };
  }

  @Mutation(() => InboundEmailsBulkPayload, {
    description: "Issue 12.7: deletes many quarantined messages' content in one transaction.",
  })
  async inboundEmailsDelete(
    @Arg("input", () => InboundEmailsBulkInput) input: InboundEmailsBulkInput,
    @Ctx() ctx: ApiContext,
  ): Promise<InboundEmailsBulkPayload> {
    const rows = await manageableEmails(ctx, input.ids);
    if (!rows.ok) return { inboundEmails: [], errors: rows.errors };
    const result = await runMutation(ctx, async (db) => {
      for (const row of rows.value) await deleteInboundEmail(db, { id: row.id });
    });
    if (!result.ok) return { inboundEmails: [], errors: result.errors };
    return { inboundEmails: await Promise.all(rows.value.map((r) => reload(ctx, r.id))), errors: [] };
  }

  @Mutation(() => InboundEmailPayload, { description: "Deletes a quarantined message's content (C12)." })
  async inboundEmailDelete(
    @Arg("input", () => InboundEmailDeleteInput) input: InboundEmailDeleteInput,
    @Ctx() ctx: ApiContext,
  ): Promise<InboundEmailPayload> {
    const row = await manageableEmail(ctx, input.id);
    if (!row) return { inboundEmail: null, errors: [NOT_FOUND_OR_FORBIDDEN] };
    const result = await runMutation(ctx, (db) => deleteInboundEmail(db, { id: row.id }));
    if (!result.ok) return { inboundEmail: null, errors: result.errors };
    return { inboundEmail: await reload(ctx, row.id), errors: [] };
  }
}

@Resolver(() => ProjectType)
export class ProjectQuarantineResolver {
  @FieldResolver(() => Int, {
    nullable: true,
    description: "Issue 12.7: messages in the project's quarantine (the navigation badge); null below Maintainer.",
  })
  async quarantineCount(@Root() p: ProjectType, @Ctx() ctx: ApiContext): Promise<number | null> {
    if (!(await canManage(ctx, p.dbId))) return null;
    return quarantineCount(ctx.dataSource.manager, { projectId: p.dbId, status: null });
  }
}
