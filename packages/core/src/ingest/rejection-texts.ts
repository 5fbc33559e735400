// GitLab's rejection texts (gitlab-reference item 15), sent to the sender and shown in the quarantine.

const PROJECT_NOT_FOUND = "We couldn't find the project. Please check if there's any typo.";

export const REJECTION = {
  unknownIncomingEmail:
    "We couldn't figure out what the email is for. Please create your issue or comment through the web interface.",
  sentNotificationNotFound:
    "We couldn't figure out what the email is in reply to. Please create your comment through the web interface.",
  projectNotFound: PROJECT_NOT_FOUND,
  /**
   * Service Desk turned off (or issues disabled) for a project that exists. GitLab answers with its
   * ProjectNotFound text; the sender typed the address right, so its "check if there's any typo" would send
   * them hunting for a mistake they did not make: GitLab's first sentence only (issue 12.5).
   */
  serviceDeskDisabled: PROJECT_NOT_FOUND.slice(0, PROJECT_NOT_FOUND.indexOf(".") + 1),
  emptyEmail:
    "It appears that the email is blank. Make sure your reply is at the top of the email, we can't process inline replies.",
  noteableNotFound:
    "The thread you are replying to no longer exists, perhaps it was deleted? If you believe this is in error, contact a staff member.",
  emailTooLarge:
    "We couldn't process your email because it is too large. Please create your issue or comment through the web interface.",
  rateLimited: "This endpoint has been requested too many times. Try again later.",
  /** GitLab's UserNotAuthorizedError: a team member's reply they may not post (issue 10.2). */
  userNotAuthorized:
    "You are not allowed to perform this action. If you believe this is in error, contact a staff member.",
} as const;

/** GitLab's template-missing warning note (item 7). */
export const templateMissingNote = (key: string) =>
  `WARNING: The template file ${key}.md used for service desk issues is empty or could not be found.\nPlease check service desk settings and update the file to be used.`;

/** GitLab's reopen note (item 9), without the /reopen command, which we apply directly. */
export const reopenNote = (assigneeUsernames: string[]) =>
  `${assigneeUsernames.map((u) => `@${u}`).join(" ")} :wave: This issue has been reopened because it received a new comment from an external participant.`.trim();
