import { Initial1763700000000 } from "./1763700000000-initial.ts";
import { AddIssuesCountIndex1763730000010 } from "./1763730000010-add-issues-count-index.ts";
import { ReplyKeyDigests1765000100000 } from "./1765000100000-reply-key-digests.ts";
import { RejectionRecipientIndex1765000100100 } from "./1765000100100-rejection-recipient-index.ts";
import { ProcessHeartbeats1765000200000 } from "./1765000200000-process-heartbeats.ts";
import { ForgetTypedLogins1765000200100 } from "./1765000200100-forget-typed-logins.ts";
import { OutboxClaimSessions1765000500000 } from "./1765000500000-outbox-claim-sessions.ts";
import { IssueCountWalkIndex1765000700000 } from "./1765000700000-issue-count-walk-index.ts";
import { IngestIndexes1765000900000 } from "./1765000900000-ingest-indexes.ts";
import { SearchVectorHead1765000900100 } from "./1765000900100-search-vector-head.ts";
import { GraphStoredMessages1765001300000 } from "./1765001300000-graph-stored-messages.ts";
import { MailHealthSamples1765001300100 } from "./1765001300100-mail-health-samples.ts";
import { ServiceDeskCustomEmails1765001300200 } from "./1765001300200-service-desk-custom-emails.ts";
import { InboundRouting1765001300300 } from "./1765001300300-inbound-routing.ts";
import { MailCanaries1765001300400 } from "./1765001300400-mail-canaries.ts";
import { Screening1765001300500 } from "./1765001300500-screening.ts";
import { Composer1765001300600 } from "./1765001300600-composer.ts";
import { DraftsSavedReplies1765001300700 } from "./1765001300700-drafts-saved-replies.ts";
import { WaitingState1765001300800 } from "./1765001300800-waiting-state.ts";
import { TokenScopes1765001300900 } from "./1765001300900-token-scopes.ts";
import { SearchThatFinds1765001301000 } from "./1765001301000-search-that-finds.ts";
import { SavedViews1765001301100 } from "./1765001301100-saved-views.ts";
import { TeamNotifications1765001301200 } from "./1765001301200-team-notifications.ts";
import { RequesterNameIndex1765001301300 } from "./1765001301300-requester-name-index.ts";
import { RequesterName1765001301400 } from "./1765001301400-requester-name.ts";
import { SearchHead1k1765001301500 } from "./1765001301500-search-head-1k.ts";
import { IssueLabelIds1765001301600 } from "./1765001301600-issue-label-ids.ts";
import { OutboxRenderAtSend1765001301700 } from "./1765001301700-outbox-render-at-send.ts";
import { LedgerMessageIdOrder1765001301800 } from "./1765001301800-ledger-message-id-order.ts";
import { LedgerPushTransports1765001301900 } from "./1765001301900-ledger-push-transports.ts";
import { MailStatusCounts1765001302000 } from "./1765001302000-mail-status-counts.ts";
import { DraftSeenMark1765001302100 } from "./1765001302100-draft-seen-mark.ts";
import { LedgerPending1765001302200 } from "./1765001302200-ledger-pending.ts";
import { GinPendingBound1765001302300 } from "./1765001302300-gin-pending-bound.ts";
import { OutboxPending1765001302400 } from "./1765001302400-outbox-pending.ts";
import { LabelledListWalk1765001302600 } from "./1765001302600-labelled-list-walk.ts";
import { CommentVectorsBound1765001302500 } from "./1765001302500-comment-vectors-bound.ts";

/** Every migration, in order. Never edit one that has been merged; add a new file. */
export const MIGRATIONS = [
  Initial1763700000000,
  AddIssuesCountIndex1763730000010,
  ReplyKeyDigests1765000100000,
  RejectionRecipientIndex1765000100100,
  ProcessHeartbeats1765000200000,
  ForgetTypedLogins1765000200100,
  OutboxClaimSessions1765000500000,
  IssueCountWalkIndex1765000700000,
  IngestIndexes1765000900000,
  SearchVectorHead1765000900100,
  GraphStoredMessages1765001300000,
  MailHealthSamples1765001300100,
  ServiceDeskCustomEmails1765001300200,
  InboundRouting1765001300300,
  MailCanaries1765001300400,
  Screening1765001300500,
  Composer1765001300600,
  DraftsSavedReplies1765001300700,
  WaitingState1765001300800,
  TokenScopes1765001300900,
  SearchThatFinds1765001301000,
  SavedViews1765001301100,
  TeamNotifications1765001301200,
  RequesterNameIndex1765001301300,
  RequesterName1765001301400,
  SearchHead1k1765001301500,
  IssueLabelIds1765001301600,
  OutboxRenderAtSend1765001301700,
  LedgerMessageIdOrder1765001301800,
  LedgerPushTransports1765001301900,
  MailStatusCounts1765001302000,
  DraftSeenMark1765001302100,
  LedgerPending1765001302200,
  GinPendingBound1765001302300,
  OutboxPending1765001302400,
  CommentVectorsBound1765001302500,
  LabelledListWalk1765001302600,
];
