import { Field, ID } from "type-graphql";
import { ObjectType } from "../object-type.ts";

@ObjectType("UserCore", { description: "A Tidings user." })
export class UserType {
  @Field(() => ID, { nullable: true }) id?: string;
  @Field(() => String) username!: string;
  @Field(() => String) name!: string;
}

@ObjectType("UserCoreConnection")
export class UserConnectionType {
  @Field(() => [UserType]) nodes!: UserType[];
}
