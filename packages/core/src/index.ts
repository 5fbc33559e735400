export {
  createPersonalAccessToken,
  PAT_PREFIX,
  viewerFromAccessToken,
  viewerFromSession,
} from "./auth/authenticate.ts";
export {
  CREDENTIALS_REVOKED_CHANNEL,
  notifyCredentialRevoked,
  type RevokePersonalAccessTokenInput,
  revokePersonalAccessToken,
} from "./auth/revocation.ts";
export { digest, hashPassword, randomToken, verifyPassword } from "./auth/secrets.ts";
export {
  SESSION_TTL_MS,
  SIGN_IN_LIMITS,
  type SignInInput,
  type SignInResult,
  signIn,
  signOut,
} from "./auth/sign-in.ts";
export { DomainError, type DomainErrorCode } from "./errors.ts";
export {
  type DomainEvent,
  EVENTS_CHANNEL,
  type PresenceState,
  publishEvent,
  publishEvents,
  publishPresence,
} from "./events/publish.ts";
export { createGroup, type CreateGroupInput } from "./groups/create-group.ts";
export { createIssue, type CreateIssueInput } from "./issues/create-issue.ts";
export { createLogger, type Logger } from "./logger.ts";
export { addMember, type AddMemberInput } from "./members/add-member.ts";
export {
  accessLevelFor,
  accessLevelsFor,
  canEditNote,
  canReadIssue,
  loadProjectAbilities,
  type ProjectAbilities,
  projectAbilities,
  type Viewer,
} from "./permissions/abilities.ts";
export {
  customerAddressVisibility,
  issueVisibility,
  noteVisibility,
  type SqlParam,
} from "./permissions/visibility.ts";
export { createProject, type CreateProjectInput } from "./projects/create-project.ts";
export { DEMO_USERS, seedDemo } from "./seed/seed-demo.ts";
export * from "./service-desk/addresses.ts";
export { fullPathSlug } from "./slug.ts";
export { type Attached, attached } from "./attached.ts";
export { LruMap } from "./lru.ts";
export { createUser, type CreateUserInput } from "./users/create-user.ts";
export { ensureSupportBot } from "./users/support-bot.ts";
export { createNote, type CreateNoteInput, MAX_NOTE_LENGTH } from "./notes/create-note.ts";
export { deleteNote, editNote, type NoteChange, type NoteVersion, noteVersions } from "./notes/edit-note.ts";
export {
  type PostCommentInput,
  type PostCommentOutcome,
  postComment,
  STALE_REPLY_MESSAGE,
} from "./notes/post-comment.ts";
export {
  addEmailParticipants,
  convertToTicket,
  PARTICIPANT_MESSAGES,
  removeEmailParticipants,
} from "./participants/email-participants.ts";
export {
  parseQuickActions,
  type ParsedComment,
  QUICK_ACTIONS,
  type QuickActionName,
  type QuickCommand,
} from "./quick-actions/parse.ts";
export { QUICK_ACTION_DENIED, TEMPLATE_QUICK_ACTIONS } from "./quick-actions/run.ts";
export { enqueueEmail, type EnqueueEmailInput, OUTBOX_CHANNEL } from "./notifications/enqueue.ts";
export { type MailSettings, mailSettingsFromConfig, messageIdHostFor } from "./notifications/mail-settings.ts";
export {
  type QueueParticipantEmailInput,
  type QueueRejectionEmailInput,
  queueNewNoteEmails,
  queueNewParticipantEmail,
  queueRejectionEmail,
  queueThankYouEmail,
} from "./notifications/queue-emails.ts";
export { type IssueEmailLogEntry, listIssueEmails } from "./notifications/list-issue-emails.ts";
export { queuedEmailBodies, renderLater, withQueuedBodies } from "./notifications/render-queued.ts";
export {
  checkUploadSignature,
  EMAIL_LINK_KEY_FILE,
  emailLinkKey,
  signUploadUrl,
  type UploadLinkCheck,
  type UploadLinkSigning,
} from "./notifications/signed-links.ts";
export {
  EMAIL_ATTACHMENTS_MAX_BYTES,
  noteEmailAttachments,
  uploadStoragePath,
} from "./notifications/note-attachments.ts";
export {
  type PreviewTemplateInput,
  previewTemplate,
  sampleTemplateValues,
  type TemplatePreview,
} from "./notifications/preview-template.ts";
export {
  emailLayout,
  escapeHtml,
  type RenderEmailOptions,
  type RenderedEmail,
  renderEmail,
} from "./notifications/render-email.ts";
export { threadIndexChild, threadIndexRoot } from "./notifications/thread-index.ts";
export * from "./notifications/reply-key.ts";
export {
  decodeKey,
  encodeKey,
  type MailTarget,
  unsubscribePath,
} from "./service-desk/mail-key-codec.ts";
export * from "./notifications/templates.ts";
export { findUnsubscribeTarget, type UnsubscribeResult, unsubscribeByReplyKey } from "./notifications/unsubscribe.ts";
export { addSystemNote } from "./issues/add-system-note.ts";
export {
  type CappedCount,
  countIssues,
  countIssuesCapped,
  ISSUE_COUNT_CAP,
  issueCappedCountSql,
  type IssueCounter,
  issueCounter,
  issueCountSql,
} from "./issues/list-counts.ts";
export {
  decodeIssueCursor,
  encodeIssueCursor,
  ISSUE_SORTS,
  type IssueListFilter,
  issueListFilterResolver,
  type IssueListPage,
  type IssueSort,
  ISSUE_LIST_COLUMNS,
  type IssueListRow,
  issueListSql,
  listIssueIds,
  listIssues,
  type ResolvedIssueListFilter,
  resolveIssueListFilter,
} from "./issues/list-issues.ts";
export { refuseLongSearch, resolveSearch } from "./issues/list-search.ts";
export {
  headlineParts,
  SEARCH_SNIPPET_SOURCES,
  type SearchSnippet,
  type SearchSnippetPart,
  type SearchSnippetSource,
  searchSnippets,
} from "./issues/search-snippets.ts";
export { type MoveIssueInput, moveIssue } from "./issues/move-issue.ts";
export { obfuscateEmail, obfuscateEmailsIn } from "./issues/obfuscate-email.ts";
export { MAX_ASSIGNEES, type UpdateIssueInput, updateIssue } from "./issues/update-issue.ts";
export { findOrCreateLabels } from "./labels/find-or-create-labels.ts";
export {
  effectiveTicketsConfidential,
  MAX_TEMPLATE_LENGTH,
  PROJECT_KEY_TAKEN,
  type UpdateServiceDeskSettingsInput,
  type UpdateServiceDeskSettingsResult,
  updateServiceDeskSettings,
} from "./settings/update-service-desk-settings.ts";
export * from "./ingest/index.ts";
export {
  bucketOf,
  type MailHealthPoint,
  type MailHealthRange,
  readMailHealthHistory,
  SAMPLE_BUCKET_SECONDS,
  sampleMailHealth,
} from "./operations/mail-health-history.ts";
export {
  type ChannelKind,
  type ChannelState,
  describeMailboxKey,
  MAILBOX_STALE_SECONDS,
  type MailChannel,
  type MailHealth,
  type MailHealthFacts,
  type MailHealthScope,
  readMailHealth,
} from "./operations/read-mail-health.ts";
export { type MailMetrics, readMailMetrics } from "./operations/read-mail-metrics.ts";
export {
  foldMailStatusCounts,
  type MailDirection,
  readKeptCount,
  readMailStatusCounts,
} from "./operations/mail-status-counts.ts";
export { requireDatabaseUrl, runUntilStopped, type ServiceHooks } from "./process/run-service.ts";
export {
  HEARTBEAT,
  type ProcessHealth,
  processStates,
  readProcessHealth,
  startHeartbeat,
} from "./process/heartbeat.ts";
export { credentialCipher, type CredentialCipher, SECRET_KEY_BASE_FILE } from "./secrets/credentials.ts";
export {
  CUSTOM_EMAIL_CHANGED,
  checkCustomEmailVerification,
  type CustomEmailInput,
  type CustomEmailView,
  type CustomSmtp,
  customSmtpFor,
  failCustomEmailVerification,
  projectOfCustomEmail,
  readCustomEmail,
  resetCustomEmail,
  saveCustomEmail,
  setCustomEmailEnabled,
  SMTP_AUTH_METHODS,
  type SmtpAuthMethod,
  VERIFICATION_ERROR_TEXT,
  type VerificationError,
  type VerificationState,
  verificationAddressOf,
} from "./settings/custom-email.ts";
export { type MoveInboundMessageInput, moveInboundMessage } from "./ingest/move-inbound-message.ts";
export { decodeRoute, explainRoute, type RouteReason } from "./ingest/routing-reason.ts";
export {
  alertOverdueCanaries,
  CANARY_HEADER,
  type CanaryState,
  canaryArrived,
  readCanary,
  sendCanary,
} from "./operations/canary.ts";
export { describeScreening, type Screening, smtpSource } from "./ingest/screen.ts";
export { type MessageEnvelope, messageEnvelope } from "./issues/message-envelope.ts";
export { discardDraft, type NoteDraft, readDraft, saveDraft } from "./drafts/drafts.ts";
export { renderSavedReply, SAVED_REPLY_PLACEHOLDERS, type SavedReplyContext } from "./saved-replies/render.ts";
export {
  createSavedReply,
  deleteSavedReply,
  findSavedReply,
  listSavedReplies,
  MAX_SAVED_REPLY_CONTENT,
  type SavedReply,
  updateSavedReply,
} from "./saved-replies/saved-replies.ts";
export { isUnread, markIssueRead, readMarks } from "./issues/read-marks.ts";
export * from "./team-notifications/levels.ts";
export * from "./team-notifications/inbox.ts";
export { notifyTeam } from "./team-notifications/notify-team.ts";
export { type RequesterHistory, requesterHistory } from "./issues/requester-tickets.ts";
export { keptRequesterNames, requesterNames } from "./issues/requester-names.ts";
export {
  checkViewFilters,
  createSavedView,
  DEFAULT_VIEW_FILTERS,
  deleteSavedView,
  findSavedView,
  ISSUE_LIST_STATES,
  ISSUE_LIST_TABS,
  type IssueListState,
  type IssueListTab,
  listSavedViews,
  MAX_SAVED_VIEW_NAME,
  type SavedView,
  type SavedViewFilters,
  savedViewAccess,
  updateSavedView,
  type ViewActor,
} from "./views/saved-views.ts";
export {
  changeOwnPassword,
  createToken,
  listTokens,
  MIN_PASSWORD_LENGTH,
  resetPassword,
  TOKEN_SCOPES,
  type TokenRow,
} from "./users/manage-users.ts";
export { removeProjectMember, ROLE_NAMES, setProjectMember } from "./members/manage-members.ts";
export { type BulkChange, bulkUpdateIssues, MAX_BULK_ISSUES } from "./issues/bulk-update.ts";
