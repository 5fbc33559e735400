import { Field, ObjectType } from "type-graphql";

@ObjectType("PageInfo", { description: "Cursor pagination, as GitLab's." })
export class PageInfoType {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}
