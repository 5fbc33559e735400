// Issue 10.6: team administration in the browser. Instance admins create users and reset passwords;
// maintainers manage project members (adminMembers, the one policy; Owners for the Owner role); every user
// changes their password and manages their personal access tokens (the secret is returned once).
import {
  changeOwnPassword,
  createToken,
  createUser,
  listTokens,
  removeProjectMember,
  resetPassword,
  revokePersonalAccessToken,
  setProjectMember,
} from "@tidings/core";
import type { EntityManager } from "@tidings/db";
import { Arg, Ctx, Field, ID, InputType, Mutation, Query, Resolver } from "type-graphql";
import { ObjectType } from "../object-type.ts";
import type { ApiContext } from "../../context.ts";
import { NOT_FOUND_OR_FORBIDDEN, readableProject } from "../access.ts";
import { fromGid, toGid } from "../ids.ts";
import { runMutation } from "../mutation.ts";

@ObjectType("AdminUser", { description: "A user as an instance admin sees them." })
export class AdminUserType {
  @Field(() => ID) id!: string;
  @Field(() => String) username!: string;
  @Field(() => String) name!: string;
  @Field(() => String) email!: string;
  @Field(() => Boolean) admin!: boolean;
  @Field(() => Boolean) blocked!: boolean;
}

@ObjectType("PersonalAccessToken")
export class PersonalAccessTokenType {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => [String], { description: "api or read_api" }) scopes!: string[];
  @Field(() => Date, { nullable: true }) expiresAt!: Date | null;
  @Field(() => Date, { nullable: true }) lastUsedAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Boolean) active!: boolean;
}

@InputType("UserCreateInput")
export class UserCreateInput {
  @Field(() => String) username!: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String) email!: string;
  @Field(() => String) password!: string;
  @Field(() => Boolean, { nullable: true }) admin?: boolean | null;
}

@InputType("UserResetPasswordInput")
export class UserResetPasswordInput {
  @Field(() => String) username!: string;
  @Field(() => String) password!: string;
}

@InputType("CurrentUserPasswordChangeInput")
export class CurrentUserPasswordChangeInput {
  @Field(() => String) currentPassword!: string;
  @Field(() => String) newPassword!: string;
}

@InputType("PersonalAccessTokenCreateInput")
export class PersonalAccessTokenCreateInput {
  @Field(() => String) name!: string;
  @Field(() => [String], { description: "api and/or read_api" }) scopes!: string[];
  @Field(() => Date, { nullable: true }) expiresAt?: Date | null;
}

@InputType("ProjectMemberSetInput")
export class ProjectMemberSetInput {
  @Field(() => ID) projectPath!: string;
  @Field(() => String) username!: string;
  @Field(() => String, { description: "guest, reporter, developer, maintainer or owner" }) role!: string;
}

@InputType("ProjectMemberRemoveInput")
export class ProjectMemberRemoveInput {
  @Field(() => ID) projectPath!: string;
  @Field(() => String) username!: string;
}

@ObjectType("TeamPayload")
export class TeamPayload {
  @Field(() => [String]) errors!: string[];
}

@ObjectType("PersonalAccessTokenCreatePayload")
export class PersonalAccessTokenCreatePayload {
  @Field(() => String, { nullable: true, description: "The secret: shown this once, never again." })
  token!: string | null;
  @Field(() => [String]) errors!: string[];
}

const done = (r: { ok: true } | { ok: false; errors: string[] }): TeamPayload => ({ errors: r.ok ? [] : r.errors });

/** A change to a project's members by a viewer who may make it (adminMembers); the same answer otherwise. */
const memberChange = async (
  ctx: ApiContext,
  projectPath: string,
  work: (
    db: EntityManager,
    actor: { projectId: number; actorLevel: number | null; actorAdmin: boolean },
  ) => Promise<unknown>,
): Promise<TeamPayload> => {
  const found = await readableProject(ctx, { fullPath: projectPath });
  const viewer = ctx.viewer;
  if (!viewer || !found?.abilities.adminMembers) return { errors: [NOT_FOUND_OR_FORBIDDEN] };
  const actor = { projectId: found.project.id, actorLevel: found.abilities.level, actorAdmin: viewer.admin };
  return done(await runMutation(ctx, (db) => work(db, actor)));
};

@Resolver()
export class TeamResolver {
  @Query(() => [AdminUserType], { nullable: true, description: "Every user (instance admins only; else null)." })
  async users(@Ctx() ctx: ApiContext): Promise<AdminUserType[] | null> {
    if (!ctx.viewer?.admin) return null;
    const rows: { id: number; username: string; name: string; email: string; admin: boolean; blocked: boolean }[] =
      await ctx.dataSource.query(
        "SELECT id, username, name, email, admin, blocked FROM users WHERE user_type = 'human' ORDER BY lower(username)",
      );
    return rows.map((u) => ({ ...u, id: toGid("User", u.id) }));
  }

  @Query(() => [PersonalAccessTokenType], { description: "The viewer's own tokens (never their secrets)." })
  async personalAccessTokens(@Ctx() ctx: ApiContext): Promise<PersonalAccessTokenType[]> {
    if (!ctx.viewer) return [];
    const now = Date.now();
    return (await listTokens(ctx.dataSource.manager, ctx.viewer.id)).map((t) => ({
      ...t,
      id: toGid("PersonalAccessToken", t.id),
      active: !t.revokedAt && (!t.expiresAt || t.expiresAt.getTime() > now),
    }));
  }

  @Mutation(() => TeamPayload, { description: "Creates a user (instance admins only)." })
  async userCreate(@Arg("input", () => UserCreateInput) input: UserCreateInput, @Ctx() ctx: ApiContext) {
    if (!ctx.viewer?.admin) return { errors: [NOT_FOUND_OR_FORBIDDEN] };
    return done(
      await runMutation(ctx, (db) =>
        createUser(db, {
          username: input.username.trim(),
          name: input.name?.trim() || undefined,
          email: input.email.trim(),
          password: input.password,
          admin: input.admin ?? false,
        }),
      ),
    );
  }

  @Mutation(() => TeamPayload, { description: "Sets a user's password; their sessions end (instance admins only)." })
  async userResetPassword(
    @Arg("input", () => UserResetPasswordInput) input: UserResetPasswordInput,
    @Ctx() ctx: ApiContext,
  ) {
    if (!ctx.viewer?.admin) return { errors: [NOT_FOUND_OR_FORBIDDEN] };
    return done(await runMutation(ctx, (db) => resetPassword(db, input)));
  }

  @Mutation(() => TeamPayload, { description: "Changes the viewer's password; every session ends (sign in again)." })
  async currentUserPasswordChange(
    @Arg("input", () => CurrentUserPasswordChangeInput) input: CurrentUserPasswordChangeInput,
    @Ctx() ctx: ApiContext,
  ) {
    const viewer = ctx.viewer;
    if (!viewer) return { errors: [NOT_FOUND_OR_FORBIDDEN] };
    return done(await runMutation(ctx, (db) => changeOwnPassword(db, { userId: viewer.id, ...input })));
  }

  @Mutation(() => PersonalAccessTokenCreatePayload)
  async personalAccessTokenCreate(
    @Arg("input", () => PersonalAccessTokenCreateInput) input: PersonalAccessTokenCreateInput,
    @Ctx() ctx: ApiContext,
  ): Promise<PersonalAccessTokenCreatePayload> {
    const viewer = ctx.viewer;
    if (!viewer) return { token: null, errors: [NOT_FOUND_OR_FORBIDDEN] };
    const result = await runMutation(ctx, (db) =>
      createToken(db, {
        userId: viewer.id,
        name: input.name,
        scopes: input.scopes,
        expiresAt: input.expiresAt ?? null,
      }),
    );
    return result.ok ? { token: result.value.token, errors: [] } : { token: null, errors: result.errors };
  }

  @Mutation(() => TeamPayload, { description: "Revokes one of the viewer's tokens; it stops working at once." })
  async personalAccessTokenRevoke(@Arg("id", () => ID) id: string, @Ctx() ctx: ApiContext) {
    const viewer = ctx.viewer;
    const tokenId = fromGid("PersonalAccessToken", id);
    if (!viewer || tokenId === null) return { errors: [NOT_FOUND_OR_FORBIDDEN] };
    const result = await runMutation(ctx, (db) => revokePersonalAccessToken(db, { tokenId, userId: viewer.id }));
    return result.ok && result.value ? { errors: [] } : { errors: [NOT_FOUND_OR_FORBIDDEN] };
  }

  @Mutation(() => TeamPayload, { description: "Adds a member or changes their role (Maintainer+; Owner for Owners)." })
  projectMemberSet(@Arg("input", () => ProjectMemberSetInput) input: ProjectMemberSetInput, @Ctx() ctx: ApiContext) {
    return memberChange(ctx, input.projectPath, (db, actor) =>
      setProjectMember(db, { ...actor, username: input.username, role: input.role }),
    );
  }

  @Mutation(() => TeamPayload, { description: "Removes a member (Maintainer+; Owner for Owners)." })
  projectMemberRemove(
    @Arg("input", () => ProjectMemberRemoveInput) input: ProjectMemberRemoveInput,
    @Ctx() ctx: ApiContext,
  ) {
    return memberChange(ctx, input.projectPath, (db, actor) =>
      removeProjectMember(db, { ...actor, username: input.username }),
    );
  }
}
