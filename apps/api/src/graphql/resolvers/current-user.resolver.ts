import { UserEntity } from "@tidings/db";
import { Ctx, Query, Resolver } from "type-graphql";
import type { ApiContext } from "../../context.ts";
import { UserType } from "../types/user.type.ts";

@Resolver()
export class CurrentUserResolver {
  @Query(() => UserType, { nullable: true, description: "The signed-in user, or null." })
  async currentUser(@Ctx() ctx: ApiContext): Promise<UserType | null> {
    if (!ctx.viewer) return null;
    const user = await ctx.dataSource.manager.findOneBy(UserEntity, { id: ctx.viewer.id });
    return user ? { username: user.username, name: user.name } : null;
  }
}
