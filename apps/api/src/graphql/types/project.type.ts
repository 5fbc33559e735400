import { Field, ID, ObjectType } from "type-graphql";

@ObjectType("Project")
export class ProjectType {
  @Field(() => ID) id!: string;
  @Field(() => ID) fullPath!: string;
  @Field(() => String) name!: string;
  @Field(() => Boolean) serviceDeskEnabled!: boolean;
  /** Not exposed: used by field resolvers. */
  dbId!: number;
}
