// What an issue's fields show a viewer (the requester's address, Reporter+ or obfuscated), and, for a list
// (issue 14.4), reading what its rows' asked fields need before it returns them (one batch each, as the
// field resolvers would have): the field resolvers then find the values at once (loadNow), and read them as
// before when they were not read ahead (a single issue, a live event).
import { customerAddressVisibility, obfuscateEmail } from "@tidings/core";
import type { GraphQLResolveInfo } from "graphql";
import type { ApiContext } from "../context.ts";
import { loadersOf } from "./loaders.ts";
import { loadNow, type MaybePromise, prefetch, withValue } from "./settled.ts";
import { asksFor } from "./selection.ts";
import type { IssueType } from "./types/issue.type.ts";

/** Full address for Reporter+; GitLab's obfuscated form for anyone else who can read the issue (item 32). */
export const externalAddressFor = (
  ctx: ApiContext,
  projectId: number,
  address: string | null,
): MaybePromise<string | null> => {
  if (!address) return null;
  return withValue(addressesVisible(ctx, projectId), (visible) => (visible ? address : obfuscateEmail(address)));
};

/**
 * Issue 14.4: reads what the asked fields of a list's issues need (one batch each, as the field resolvers
 * would), before the list returns them, so that each row's fields answer at once (loadNow) instead of
 * 50 rows × 7 promises. `info` is the list field's; `path` leads to the issues in its selection.
 */
export const prefetchIssueFields = async (
  ctx: ApiContext,
  info: Pick<GraphQLResolveInfo, "fieldNodes" | "fragments">,
  issues: IssueType[],
  path: string[],
): Promise<void> => {
  if (!issues.length) return;
  const loaders = loadersOf(ctx);
  const asks = (field: string) => asksFor(info, [...path, field]);
  const ids = issues.map((i) => i.dbId);
  const projectIds = [...new Set(issues.map((i) => i.projectId))];
  const reads: Promise<void>[] = [];
  if (asks("author")) reads.push(prefetch(loaders.userById, [...new Set(issues.map((i) => i.authorId))]));
  if (asks("labels")) reads.push(prefetch(loaders.labelsByIssueId, ids));
  if (asks("assignees")) reads.push(prefetch(loaders.assigneesByIssueId, ids));
  if (asks("unread") && ctx.viewer) reads.push(prefetch(loaders.readAtByIssueId, ids));
  if (asks("externalAuthor") || asks("requesterName"))
    reads.push(
      prefetch(loaders.abilities, projectIds).then(async () => {
        if (!asks("requesterName")) return;
        // The names only of issues whose requester this viewer may see (requesterName's own rule).
        const named = issues.filter((i) => i.externalAuthorRaw && addressesVisible(ctx, i.projectId) === true);
        await prefetch(
          loaders.requesterNameByIssueId,
          named.map((i) => i.dbId),
        );
      }),
    );
  await Promise.all(reads);
};

/** May the viewer read requesters' addresses in this project (Reporter+: customerAddressVisibility)? */
export const addressesVisible = (ctx: ApiContext, projectId: number): MaybePromise<boolean> =>
  withValue(loadNow(loadersOf(ctx).abilities, projectId), (a) => !!a && customerAddressVisibility.allows(a));
