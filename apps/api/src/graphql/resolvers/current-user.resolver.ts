import { Ctx, Query, Resolver } from "type-graphql";
import type { ApiContext } from "../../context.ts";
import { loadersOf } from "../loaders.ts";
import { UserType } from "../types/user.type.ts";
import { presentUser } from "./issue.resolver.ts";

@Resolver()
export class CurrentUserResolver {
  @Query(() => UserType, { nullable: true, description: "The signed-in user, or null." })
  async currentUser(@Ctx() ctx: ApiContext): Promise<UserType | null> {
    if (!ctx.viewer) return null;
    const user = await loadersOf(ctx).userById.load(ctx.viewer.id);
    return user ? presentUser(user) : null;
  }
}
