import { type EntityManager, GroupEntity, ProjectEntity, ServiceDeskSettingEntity, type Visibility } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { fullPathSlug, PATH_SEGMENT } from "../slug.ts";

export type CreateProjectInput = {
  groupPath: string;
  path: string;
  name?: string;
  visibility?: Visibility;
  serviceDeskEnabled?: boolean;
};

export const createProject = async (db: EntityManager, input: CreateProjectInput): Promise<ProjectEntity> => {
  if (!PATH_SEGMENT.test(input.path)) {
    throw new DomainError("INVALID_INPUT", "Project path can contain only letters, digits, '_', '-' and '.'.");
  }
  const group = await db.findOneBy(GroupEntity, { fullPath: input.groupPath });
  if (!group) throw new DomainError("NOT_FOUND", `Group ${input.groupPath} does not exist.`);
  const fullPath = `${group.fullPath}/${input.path}`;
  if (await db.existsBy(ProjectEntity, { fullPath }))
    throw new DomainError("CONFLICT", `Project ${fullPath} already exists.`);
  const project = await db.save(
    db.create(ProjectEntity, {
      groupId: group.id,
      path: input.path,
      name: input.name ?? input.path,
      fullPath,
      fullPathSlug: fullPathSlug(fullPath),
      visibility: input.visibility ?? "private",
      serviceDeskEnabled: input.serviceDeskEnabled ?? false,
    }),
  );
  await db.save(db.create(ServiceDeskSettingEntity, { projectId: project.id }));
  return project;
};
