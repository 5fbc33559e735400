import { Field, ID } from "type-graphql";
import { ObjectType } from "../object-type.ts";

@ObjectType("Label")
export class LabelType {
  @Field(() => ID) id!: string;
  @Field(() => String) title!: string;
  @Field(() => String) color!: string;
}

@ObjectType("LabelConnection")
export class LabelConnectionType {
  @Field(() => [LabelType]) nodes!: LabelType[];
}
