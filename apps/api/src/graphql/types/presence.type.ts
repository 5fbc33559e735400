import { Field } from "type-graphql";
import { ObjectType } from "../object-type.ts";
import { UserType } from "./user.type.ts";

@ObjectType("IssuePresence", { description: "Issue 11.5: a responder viewing or replying to an issue right now." })
export class IssuePresenceType {
  @Field(() => UserType) user!: UserType;
  @Field(() => String, { description: "viewing, typing or left" }) state!: "viewing" | "typing" | "left";
  @Field(() => Date) at!: Date;
}
