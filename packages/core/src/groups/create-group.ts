import { type EntityManager, GroupEntity, type Visibility } from "@tidings/db";
import { DomainError } from "../errors.ts";
import { PATH_SEGMENT } from "../slug.ts";

export type CreateGroupInput = { path: string; name?: string; parentPath?: string | null; visibility?: Visibility };

export const createGroup = async (db: EntityManager, input: CreateGroupInput): Promise<GroupEntity> => {
  if (!PATH_SEGMENT.test(input.path)) {
    throw new DomainError("INVALID_INPUT", "Group path can contain only letters, digits, '_', '-' and '.'.");
  }
  const parent = input.parentPath ? await db.findOneBy(GroupEntity, { fullPath: input.parentPath }) : null;
  if (input.parentPath && !parent)
    throw new DomainError("NOT_FOUND", `Parent group ${input.parentPath} does not exist.`);
  const fullPath = parent ? `${parent.fullPath}/${input.path}` : input.path;
  if (await db.existsBy(GroupEntity, { fullPath }))
    throw new DomainError("CONFLICT", `Group ${fullPath} already exists.`);
  return db.save(
    db.create(GroupEntity, {
      path: input.path,
      name: input.name ?? input.path,
      fullPath,
      parentId: parent?.id ?? null,
      visibility: input.visibility ?? "private",
    }),
  );
};
