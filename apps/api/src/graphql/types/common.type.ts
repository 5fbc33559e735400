import { Field } from "type-graphql";
import { ObjectType } from "../object-type.ts";

@ObjectType("PageInfo", { description: "Cursor pagination, as GitLab's." })
export class PageInfoType {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}
