import { Field, ObjectType } from "type-graphql";

@ObjectType("UserCore", { description: "A Tidings user." })
export class UserType {
  @Field(() => String) username!: string;
  @Field(() => String) name!: string;
}
