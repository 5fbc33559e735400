// Issue 10.6: maintainers add and remove project members and change their roles in the browser. A
// Maintainer grants up to Maintainer; only an Owner (or an admin) grants or changes Owner (GitLab's rule).
import { AccessLevel, type EntityManager, ProjectMemberEntity, UserEntity } from "@tidings/db";
import { DomainError } from "../errors.ts";

export const ROLE_NAMES: Record<string, AccessLevel> = {
  guest: AccessLevel.Guest,
  reporter: AccessLevel.Reporter,
  developer: AccessLevel.Developer,
  maintainer: AccessLevel.Maintainer,
  owner: AccessLevel.Owner,
};

const mayGrant = (actorLevel: number | null, actorAdmin: boolean, level: number) =>
  actorAdmin || (actorLevel !== null && (level < AccessLevel.Owner || actorLevel >= AccessLevel.Owner));

export const setProjectMember = async (
  db: EntityManager,
  input: { projectId: number; username: string; role: string; actorLevel: number | null; actorAdmin: boolean },
) => {
  const level = ROLE_NAMES[input.role.toLowerCase()];
  if (level === undefined)
    throw new DomainError("INVALID_INPUT", "Role must be one of guest, reporter, developer, maintainer, owner.");
  const user = await db
    .createQueryBuilder(UserEntity, "u")
    .where("lower(u.username) = lower(:name) AND u.user_type = 'human'", { name: input.username.replace(/^@/, "") })
    .getOne();
  if (!user) throw new DomainError("INVALID_INPUT", `There is no user ${input.username}.`);
  const current = await db.findOneBy(ProjectMemberEntity, { projectId: input.projectId, userId: user.id });
  if (!mayGrant(input.actorLevel, input.actorAdmin, Math.max(level, current?.accessLevel ?? 0)))
    throw new DomainError("FORBIDDEN", "Only an Owner can grant or change the Owner role.");
  await db.upsert(ProjectMemberEntity, { projectId: input.projectId, userId: user.id, accessLevel: level }, [
    "projectId",
    "userId",
  ]);
  return user;
};

export const removeProjectMember = async (
  db: EntityManager,
  input: { projectId: number; username: string; actorLevel: number | null; actorAdmin: boolean },
) => {
  const user = await db.findOneBy(UserEntity, { username: input.username.replace(/^@/, "") });
  const current = user
    ? await db.findOneBy(ProjectMemberEntity, { projectId: input.projectId, userId: user.id })
    : null;
  if (!user || !current) throw new DomainError("INVALID_INPUT", `${input.username} is not a member of this project.`);
  if (!mayGrant(input.actorLevel, input.actorAdmin, current.accessLevel))
    throw new DomainError("FORBIDDEN", "Only an Owner can remove an Owner.");
  const owners = await db.countBy(ProjectMemberEntity, { projectId: input.projectId, accessLevel: AccessLevel.Owner });
  if (current.accessLevel === AccessLevel.Owner && owners <= 1)
    throw new DomainError("INVALID_INPUT", "A project keeps at least one Owner.");
  await db.delete(ProjectMemberEntity, { id: current.id });
};
