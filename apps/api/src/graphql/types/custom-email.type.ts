import {
  type CustomEmailView,
  SMTP_AUTH_METHODS,
  VERIFICATION_ERROR_TEXT,
  type VerificationError,
} from "@tidings/core";
import { Field, ID, InputType, Int, registerEnumType } from "type-graphql";
import { ObjectType } from "../object-type.ts";

export const SmtpAuthMethodEnum = Object.fromEntries(SMTP_AUTH_METHODS.map((m) => [m.toUpperCase(), m])) as Record<
  Uppercase<(typeof SMTP_AUTH_METHODS)[number]>,
  (typeof SMTP_AUTH_METHODS)[number]
>;
registerEnumType(SmtpAuthMethodEnum, {
  name: "SmtpAuthMethod",
  description: "AUTO lets the server and Tidings agree.",
});

export const CustomEmailVerificationStateEnum = { STARTED: "started", FINISHED: "finished", FAILED: "failed" } as const;
registerEnumType(CustomEmailVerificationStateEnum, { name: "CustomEmailVerificationState" });

export const CustomEmailVerificationErrorEnum = Object.fromEntries(
  Object.keys(VERIFICATION_ERROR_TEXT).map((k) => [k.toUpperCase(), k]),
) as Record<Uppercase<VerificationError>, VerificationError>;
registerEnumType(CustomEmailVerificationErrorEnum, {
  name: "CustomEmailVerificationError",
  description: "GitLab's reasons a custom email verification failed.",
});

@ObjectType("ServiceDeskCustomEmail", {
  description:
    "Issue 13.2: the project's own address and its SMTP server (Maintainer+). Never the username or password.",
})
export class ServiceDeskCustomEmailType {
  @Field(() => String) customEmail!: string;
  @Field(() => Boolean, { description: "Customer emails leave through the SMTP server, From the custom address." })
  enabled!: boolean;
  @Field(() => String) smtpHost!: string;
  @Field(() => Int) smtpPort!: number;
  @Field(() => SmtpAuthMethodEnum) smtpAuthMethod!: CustomEmailView["smtpAuthMethod"];
  @Field(() => CustomEmailVerificationStateEnum) verificationState!: CustomEmailView["verificationState"];
  @Field(() => CustomEmailVerificationErrorEnum, { nullable: true }) verificationError!: VerificationError | null;
  @Field(() => String, { nullable: true, description: "What to do about the failure, as a sentence." })
  verificationErrorMessage!: string | null;
  @Field(() => Date) verificationTriggeredAt!: Date;
  @Field(() => String, {
    nullable: true,
    description: "Forward the custom address here (the project's incoming address, never the alias).",
  })
  forwardTo!: string | null;
}

export const presentCustomEmail = (v: CustomEmailView, forwardTo: string | null): ServiceDeskCustomEmailType => ({
  ...v,
  verificationErrorMessage: v.verificationError ? VERIFICATION_ERROR_TEXT[v.verificationError] : null,
  forwardTo,
});

@InputType("ServiceDeskCustomEmailCreateInput")
export class ServiceDeskCustomEmailCreateInput {
  @Field(() => ID) projectPath!: string;
  @Field(() => String) customEmail!: string;
  @Field(() => String) smtpHost!: string;
  @Field(() => Int, { nullable: true, description: "Default 587." }) smtpPort?: number | null;
  @Field(() => String) smtpUsername!: string;
  @Field(() => String, { description: "8–128 characters; stored sealed, never returned." }) smtpPassword!: string;
  @Field(() => SmtpAuthMethodEnum, { nullable: true }) smtpAuthMethod?: CustomEmailView["smtpAuthMethod"] | null;
}

@InputType("ServiceDeskCustomEmailUpdateInput")
export class ServiceDeskCustomEmailUpdateInput {
  @Field(() => ID) projectPath!: string;
  @Field(() => Boolean) enabled!: boolean;
}

@InputType("ServiceDeskCustomEmailDeleteInput")
export class ServiceDeskCustomEmailDeleteInput {
  @Field(() => ID) projectPath!: string;
}

@ObjectType("ServiceDeskCustomEmailPayload")
export class ServiceDeskCustomEmailPayload {
  @Field(() => ServiceDeskCustomEmailType, { nullable: true }) customEmail!: ServiceDeskCustomEmailType | null;
  @Field(() => [String]) errors!: string[];
}
