// Issue 13.2: a project's custom email address through GraphQL (Maintainer+, the same ability as the other
// Service Desk settings). The password goes in once and never comes back out.
import {
  credentialCipher,
  incomingAddress,
  readCustomEmail,
  resetCustomEmail,
  saveCustomEmail,
  setCustomEmailEnabled,
} from "@tidings/core";
import type { ProjectEntity } from "@tidings/db";
import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import type { ApiContext } from "../../context.ts";
import { NOT_FOUND_OR_FORBIDDEN, readableProject } from "../access.ts";
import { loadersOf } from "../loaders.ts";
import { MutationErrors, runMutation } from "../mutation.ts";
import {
  presentCustomEmail,
  ServiceDeskCustomEmailCreateInput,
  ServiceDeskCustomEmailDeleteInput,
  ServiceDeskCustomEmailPayload,
  ServiceDeskCustomEmailType,
  ServiceDeskCustomEmailUpdateInput,
} from "../types/custom-email.type.ts";
import { ProjectType } from "../types/project.type.ts";

const forwardToOf = (ctx: ApiContext, project: ProjectEntity) =>
  project.serviceDeskEnabled ? incomingAddress(ctx.mail, project) : null;

const isUniqueViolation = (err: unknown) =>
  typeof err === "object" && err !== null && (err as { driverError?: { code?: string } }).driverError?.code === "23505";

/** The project when the viewer may administer its Service Desk, else null (not found and forbidden alike). */
const administered = async (ctx: ApiContext, projectPath: string) => {
  const found = await readableProject(ctx, { fullPath: projectPath });
  return found?.abilities.adminServiceDesk ? found.project : null;
};

const denied = { customEmail: null, errors: [NOT_FOUND_OR_FORBIDDEN] };

@Resolver(() => ProjectType)
export class CustomEmailResolver {
  @FieldResolver(() => ServiceDeskCustomEmailType, {
    nullable: true,
    description: "The custom email address (13.2): null when none is set up, or below Maintainer.",
  })
  async serviceDeskCustomEmail(
    @Root() p: ProjectType,
    @Ctx() ctx: ApiContext,
  ): Promise<ServiceDeskCustomEmailType | null> {
    if (!(await loadersOf(ctx).abilities.load(p.dbId))?.adminServiceDesk) return null;
    const view = await readCustomEmail(ctx.dataSource.manager, p.dbId);
    return view ? presentCustomEmail(view, forwardToOf(ctx, p.entity)) : null;
  }

  @Mutation(() => ServiceDeskCustomEmailPayload, {
    description: "Saves a custom address and its SMTP server, and sends the verification email (Maintainer+).",
  })
  async serviceDeskCustomEmailCreate(
    @Arg("input", () => ServiceDeskCustomEmailCreateInput) input: ServiceDeskCustomEmailCreateInput,
    @Ctx() ctx: ApiContext,
  ): Promise<ServiceDeskCustomEmailPayload> {
    const project = await administered(ctx, input.projectPath);
    if (!project || !ctx.viewer) return denied;
    const viewer = ctx.viewer;
    try {
      const result = await runMutation(ctx, async (db) => {
        const r = await saveCustomEmail(
          db,
          {
            cipher: credentialCipher(ctx.config),
            mail: ctx.mail,
            allowPrivateHosts: ctx.config.CUSTOM_SMTP_ALLOW_PRIVATE_HOSTS,
          },
          {
            projectId: project.id,
            userId: viewer.id,
            customEmail: input.customEmail,
            smtpHost: input.smtpHost,
            smtpPort: input.smtpPort ?? 587,
            smtpUsername: input.smtpUsername,
            smtpPassword: input.smtpPassword,
            smtpAuthMethod: input.smtpAuthMethod ?? "auto",
          },
        );
        if (r.errors.length > 0 || !r.customEmail) throw new MutationErrors(r.errors);
        return r.customEmail;
      });
      if (!result.ok) return { customEmail: null, errors: result.errors };
      return { customEmail: presentCustomEmail(result.value, forwardToOf(ctx, project)), errors: [] };
    } catch (err) {
      // Two projects saving the same address at once: the unique index decides.
      if (isUniqueViolation(err))
        return { customEmail: null, errors: ["This custom email address is used by another project."] };
      throw err;
    }
  }

  @Mutation(() => ServiceDeskCustomEmailPayload, {
    description: "Enables (only once verified) or disables sending through the custom address (Maintainer+).",
  })
  async serviceDeskCustomEmailUpdate(
    @Arg("input", () => ServiceDeskCustomEmailUpdateInput) input: ServiceDeskCustomEmailUpdateInput,
    @Ctx() ctx: ApiContext,
  ): Promise<ServiceDeskCustomEmailPayload> {
    const project = await administered(ctx, input.projectPath);
    if (!project) return denied;
    const result = await runMutation(ctx, (db) => setCustomEmailEnabled(db, project.id, input.enabled));
    if (!result.ok) return { customEmail: null, errors: result.errors };
    return { customEmail: presentCustomEmail(result.value, forwardToOf(ctx, project)), errors: [] };
  }

  @Mutation(() => ServiceDeskCustomEmailPayload, {
    description: "Forgets the custom address and its credentials (Maintainer+).",
  })
  async serviceDeskCustomEmailDelete(
    @Arg("input", () => ServiceDeskCustomEmailDeleteInput) input: ServiceDeskCustomEmailDeleteInput,
    @Ctx() ctx: ApiContext,
  ): Promise<ServiceDeskCustomEmailPayload> {
    const project = await administered(ctx, input.projectPath);
    if (!project) return denied;
    const result = await runMutation(ctx, (db) => resetCustomEmail(db, project.id));
    if (!result.ok) return { customEmail: null, errors: result.errors };
    return { customEmail: null, errors: [] };
  }
}
