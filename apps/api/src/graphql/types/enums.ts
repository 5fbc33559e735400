import {
  ISSUE_SORTS,
  type IssueSort,
  NOTIFICATION_LEVELS,
  type NotificationLevel,
  SEARCH_SNIPPET_SOURCES,
  type SearchSnippetSource,
} from "@tidings/core";
import { registerEnumType } from "type-graphql";

/** GitLab's IssuableState (`all` only as a filter). */
export const IssueStateEnum = { opened: "opened", closed: "closed", all: "all" } as const;
export type IssueStateEnum = (typeof IssueStateEnum)[keyof typeof IssueStateEnum];
registerEnumType(IssueStateEnum, { name: "IssueState", description: "State of an issue (`all` only filters)." });

/** The sorts core's list knows (one source: ISSUE_SORTS), as a GraphQL enum. */
export const IssueSortEnum = Object.fromEntries(ISSUE_SORTS.map((s) => [s, s])) as { [K in IssueSort]: K };
export type IssueSortEnum = (typeof IssueSortEnum)[keyof typeof IssueSortEnum];
registerEnumType(IssueSortEnum, { name: "IssueSort", description: "Sort order of an issue list (ties by id)." });

export const IssueStateEvent = { CLOSE: "CLOSE", REOPEN: "REOPEN" } as const;
export type IssueStateEvent = (typeof IssueStateEvent)[keyof typeof IssueStateEvent];
registerEnumType(IssueStateEvent, { name: "IssueStateEvent" });

export const ServiceDeskTemplateKind = {
  THANK_YOU: "thank_you",
  NEW_NOTE: "new_note",
  NEW_PARTICIPANT: "new_participant",
} as const;
export type ServiceDeskTemplateKind = (typeof ServiceDeskTemplateKind)[keyof typeof ServiceDeskTemplateKind];
registerEnumType(ServiceDeskTemplateKind, { name: "ServiceDeskTemplateKind" });

export const QuarantineStatus = { ignored: "ignored", rejected: "rejected", failed: "failed" } as const;
export type QuarantineStatus = (typeof QuarantineStatus)[keyof typeof QuarantineStatus];
registerEnumType(QuarantineStatus, { name: "InboundEmailStatus", description: "Why a message is in quarantine." });

/** Issue 10.2: a member's notification level on a project (one source: core's NOTIFICATION_LEVELS). */
export const NotificationLevelEnum = Object.fromEntries(NOTIFICATION_LEVELS.map((l) => [l.toUpperCase(), l])) as {
  [K in NotificationLevel as Uppercase<K>]: K;
};
registerEnumType(NotificationLevelEnum, {
  name: "NotificationLevel",
  description:
    "WATCH: every new ticket and customer reply; ASSIGNED (default): only tickets assigned to you; DISABLED: none.",
});

/** Where a search hit's snippet comes from (issue 10.5; one source: core's SEARCH_SNIPPET_SOURCES). */
export const SearchSnippetSourceEnum = Object.fromEntries(SEARCH_SNIPPET_SOURCES.map((s) => [s, s])) as {
  [K in SearchSnippetSource]: K;
};
export type SearchSnippetSourceEnum = (typeof SearchSnippetSourceEnum)[keyof typeof SearchSnippetSourceEnum];
registerEnumType(SearchSnippetSourceEnum, {
  name: "SearchSnippetSource",
  description:
    "The text a search snippet quotes: the title, the description, a comment, an internal note or the requester.",
});
