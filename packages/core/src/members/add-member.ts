import {
  type AccessLevel,
  type EntityManager,
  GroupEntity,
  GroupMemberEntity,
  ProjectEntity,
  ProjectMemberEntity,
  UserEntity,
} from "@tidings/db";
import { DomainError } from "../errors.ts";

export type AddMemberInput = { username: string; accessLevel: AccessLevel } & (
  | { projectPath: string; groupPath?: never }
  | { groupPath: string; projectPath?: never }
);

/** Adds or updates a membership on a project or a group (A3). */
export const addMember = async (db: EntityManager, input: AddMemberInput) => {
  const user = await db.findOneBy(UserEntity, { username: input.username });
  if (!user) throw new DomainError("NOT_FOUND", `User ${input.username} does not exist.`);
  if (input.projectPath) {
    const project = await db.findOneBy(ProjectEntity, { fullPath: input.projectPath });
    if (!project) throw new DomainError("NOT_FOUND", `Project ${input.projectPath} does not exist.`);
    await db.upsert(ProjectMemberEntity, { projectId: project.id, userId: user.id, accessLevel: input.accessLevel }, [
      "projectId",
      "userId",
    ]);
    return;
  }
  const group = await db.findOneBy(GroupEntity, { fullPath: input.groupPath });
  if (!group) throw new DomainError("NOT_FOUND", `Group ${input.groupPath} does not exist.`);
  await db.upsert(GroupMemberEntity, { groupId: group.id, userId: user.id, accessLevel: input.accessLevel }, [
    "groupId",
    "userId",
  ]);
};
