import { PROJECT_KEY_TAKEN, previewTemplate, updateServiceDeskSettings } from "@tidings/core";
import { Arg, Ctx, ID, Mutation, Query, Resolver } from "type-graphql";
import type { ApiContext } from "../../context.ts";
import { NOT_FOUND_OR_FORBIDDEN, readableProject } from "../access.ts";
import { MutationErrors, runMutation } from "../mutation.ts";
import { ServiceDeskTemplateKind } from "../types/enums.ts";
import { UpdateServiceDeskSettingsInput, UpdateServiceDeskSettingsPayload } from "../types/mutations.type.ts";
import { presentServiceDeskSettings, ServiceDeskTemplatePreviewType } from "../types/service-desk.type.ts";

const isUniqueViolation = (err: unknown) =>
  typeof err === "object" && err !== null && (err as { driverError?: { code?: string } }).driverError?.code === "23505";

@Resolver()
export class ServiceDeskResolver {
  @Mutation(() => UpdateServiceDeskSettingsPayload, {
    description: "B1–B7 (Maintainer+). Nothing changes when any field is invalid.",
  })
  async updateServiceDeskSettings(
    @Arg("input", () => UpdateServiceDeskSettingsInput) input: UpdateServiceDeskSettingsInput,
    @Ctx() ctx: ApiContext,
  ): Promise<UpdateServiceDeskSettingsPayload> {
    const found = await readableProject(ctx, { fullPath: input.projectPath });
    if (!found?.abilities.adminServiceDesk) return { serviceDeskSettings: null, errors: [NOT_FOUND_OR_FORBIDDEN] };
    const { projectPath: _path, ...changes } = input;
    try {
      const result = await runMutation(ctx, async (db) => {
        const r = await updateServiceDeskSettings(db, { projectId: found.project.id, ...changes });
        if (!r.ok) throw new MutationErrors(r.errors);
        return r;
      });
      if (!result.ok) return { serviceDeskSettings: null, errors: result.errors };
      return {
        serviceDeskSettings: presentServiceDeskSettings(
          result.value.project,
          result.value.settings,
          !!ctx.config.SERVICE_DESK_EMAIL_ADDRESS,
        ),
        errors: [],
      };
    } catch (err) {
      // Two maintainers saving the same suffix at once: the unique index decides.
      if (isUniqueViolation(err)) return { serviceDeskSettings: null, errors: [PROJECT_KEY_TAKEN] };
      throw err;
    }
  }

  @Query(() => ServiceDeskTemplatePreviewType, {
    nullable: true,
    description: "B5: renders a template with sample values (Maintainer+; null otherwise).",
  })
  async previewServiceDeskTemplate(
    @Arg("projectPath", () => ID) projectPath: string,
    @Arg("kind", () => ServiceDeskTemplateKind) kind: ServiceDeskTemplateKind,
    @Arg("template", () => String, { nullable: true }) template: string | null,
    @Ctx() ctx: ApiContext,
  ): Promise<ServiceDeskTemplatePreviewType | null> {
    const found = await readableProject(ctx, { fullPath: projectPath });
    if (!found?.abilities.adminServiceDesk) return null;
    const preview = previewTemplate({ kind, template, projectName: found.project.fullPath });
    return {
      subject: preview.subject,
      html: preview.html,
      text: preview.text,
      unknownPlaceholders: preview.unknownPlaceholders,
    };
  }
}
