import { AttachmentEntity } from "./attachment.entity.ts";
import { NoteDraftEntity, SavedReplyEntity } from "./draft-saved-reply.entity.ts";
import { FailedSignInEntity, PersonalAccessTokenEntity, SessionEntity } from "./auth.entity.ts";
import { EmailParticipantEntity } from "./email-participant.entity.ts";
import { GroupEntity } from "./group.entity.ts";
import { ImapCursorEntity } from "./imap-cursor.entity.ts";
import { InboundEmailEntity } from "./inbound-email.entity.ts";
import { IssueEntity } from "./issue.entity.ts";
import { IssueAssigneeEntity, IssueLabelEntity, LabelEntity } from "./label.entity.ts";
import { GroupMemberEntity, ProjectMemberEntity } from "./member.entity.ts";
import { NoteEntity } from "./note.entity.ts";
import { OutboundEmailEntity } from "./outbound-email.entity.ts";
import { ProjectEntity } from "./project.entity.ts";
import { SentNotificationEntity } from "./sent-notification.entity.ts";
import { ServiceDeskSettingEntity } from "./service-desk-setting.entity.ts";
import { UserEntity } from "./user.entity.ts";
import { ProcessHeartbeatEntity } from "./process-heartbeat.entity.ts";
import { SavedViewEntity } from "./saved-view.entity.ts";

export * from "./constants.ts";
export {
  AttachmentEntity,
  EmailParticipantEntity,
  FailedSignInEntity,
  GroupEntity,
  GroupMemberEntity,
  ImapCursorEntity,
  InboundEmailEntity,
  IssueAssigneeEntity,
  IssueEntity,
  IssueLabelEntity,
  LabelEntity,
  NoteDraftEntity,
  NoteEntity,
  OutboundEmailEntity,
  PersonalAccessTokenEntity,
  ProjectEntity,
  ProjectMemberEntity,
  SavedReplyEntity,
  SavedViewEntity,
  SentNotificationEntity,
  ServiceDeskSettingEntity,
  SessionEntity,
  UserEntity,
  ProcessHeartbeatEntity,
};
export type { OutboundAttachment, OutboundRender } from "./outbound-email.entity.ts";

export const ENTITIES = [
  UserEntity,
  GroupEntity,
  ProjectEntity,
  GroupMemberEntity,
  ProjectMemberEntity,
  IssueEntity,
  NoteEntity,
  LabelEntity,
  IssueLabelEntity,
  IssueAssigneeEntity,
  ServiceDeskSettingEntity,
  EmailParticipantEntity,
  SentNotificationEntity,
  InboundEmailEntity,
  OutboundEmailEntity,
  AttachmentEntity,
  SessionEntity,
  PersonalAccessTokenEntity,
  FailedSignInEntity,
  ImapCursorEntity,
  ProcessHeartbeatEntity,
  NoteDraftEntity,
  SavedReplyEntity,
  SavedViewEntity,
];
