// Issue 13.4: the mail-health cockpit. A query, and a subscription that sends a fresh reading every few
// seconds while the page is open, re-authorised on every reading (a maintainer demoted since they opened the
// page gets nothing more). Who may read it comes from the one policy: admins the instance, a project's
// readMailHealth (Maintainer+) that project.
import { type MailHealthFacts, type MailHealthRange, readMailHealth, readMailHealthHistory } from "@tidings/core";
import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Query,
  Resolver,
  Root,
  type SubscribeResolverData,
  Subscription,
} from "type-graphql";
import type { ApiContext } from "../../context.ts";
import { mailHealthFactsOf } from "../../mail-health-facts.ts";
import { readableProject } from "../access.ts";
import {
  MailHealthPointType,
  MailHealthRangeEnum,
  MailHealthType,
  presentMailHealth,
} from "../types/mail-health.type.ts";

/** How often an open cockpit gets a new reading. */
export const MAIL_HEALTH_EVERY_MS = 3_000;

const factsOf = (ctx: ApiContext): MailHealthFacts => mailHealthFactsOf(ctx.config);

/** The cockpit the viewer may read (null: none — not found and forbidden look the same). */
const readFor = async (ctx: ApiContext, projectPath: string | null): Promise<MailHealthType | null> => {
  const admin = ctx.viewer?.admin === true;
  let projectId: number | null = null;
  if (projectPath) {
    const found = await readableProject(ctx, { fullPath: projectPath });
    if (!found?.abilities.readMailHealth) return null;
    projectId = found.project.id;
  } else if (!admin) {
    return null;
  }
  return presentMailHealth(await readMailHealth(ctx.dataSource.manager, { projectId, admin }, factsOf(ctx)), projectId);
};

async function* readings(data: SubscribeResolverData<unknown, { projectPath?: string | null }, ApiContext>) {
  const connected = data.context;
  for (;;) {
    // The socket keeps the viewer it connected with: read who they are now (blocked, no longer admin), and
    // use a fresh context, so the loaders (and the abilities they cache) are read again for each reading.
    const viewer = connected.viewer;
    if (!viewer) return;
    const [now]: { admin: boolean; blocked: boolean }[] = await connected.dataSource.query(
      "SELECT admin, blocked FROM users WHERE id = $1",
      [viewer.id],
    );
    if (!now || now.blocked) return;
    const ctx: ApiContext = { ...connected, viewer: { ...viewer, admin: now.admin } };
    const reading = await readFor(ctx, data.args.projectPath ?? null);
    if (!reading) return;
    yield reading;
    await new Promise((r) => setTimeout(r, MAIL_HEALTH_EVERY_MS));
  }
}

@Resolver(() => MailHealthType)
export class MailHealthResolver {
  @FieldResolver(() => [MailHealthPointType], {
    description: "Counts over time for the charts, of the same scope as the reading (authorised with it).",
  })
  history(
    @Root() reading: MailHealthType,
    @Ctx() ctx: ApiContext,
    @Arg("range", () => MailHealthRangeEnum) range: MailHealthRange,
  ): Promise<MailHealthPointType[]> {
    return readMailHealthHistory(ctx.dataSource.manager, reading.projectId, range);
  }

  @Query(() => MailHealthType, {
    nullable: true,
    description:
      "The mail-health cockpit: with projectPath that project's (Maintainer+), without it the instance's (admins).",
  })
  mailHealth(
    @Ctx() ctx: ApiContext,
    @Arg("projectPath", () => ID, { nullable: true }) projectPath: string | null,
  ): Promise<MailHealthType | null> {
    return readFor(ctx, projectPath);
  }

  @Subscription(() => MailHealthType, {
    nullable: true,
    description: "A fresh mail-health reading every few seconds while subscribed (same access as mailHealth).",
    subscribe: readings,
  })
  mailHealthUpdated(
    @Root() reading: MailHealthType,
    @Arg("projectPath", () => ID, { nullable: true }) _projectPath: string | null,
  ): MailHealthType {
    return reading;
  }
}
