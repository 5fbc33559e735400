import { Ctx, Field, ID, Query, Resolver } from "type-graphql";
import { ObjectType } from "../object-type.ts";
import type { ApiContext } from "../../context.ts";
import { toGid } from "../ids.ts";
import { loadersOf } from "../loaders.ts";

/** The signed-in user about themselves; `admin` is never exposed on other users (UserCore). */
@ObjectType("CurrentUser", { description: "The signed-in user." })
export class CurrentUserType {
  @Field(() => ID) id!: string;
  @Field(() => String) username!: string;
  @Field(() => String) name!: string;
  @Field(() => Boolean, { description: "Instance administrator: sees unrouted mail in the quarantine." })
  admin!: boolean;
}

@Resolver()
export class CurrentUserResolver {
  @Query(() => CurrentUserType, { nullable: true, description: "The signed-in user, or null." })
  async currentUser(@Ctx() ctx: ApiContext): Promise<CurrentUserType | null> {
    if (!ctx.viewer) return null;
    const user = await loadersOf(ctx).userById.load(ctx.viewer.id);
    return user ? { id: toGid("User", user.id), username: user.username, name: user.name, admin: user.admin } : null;
  }
}
