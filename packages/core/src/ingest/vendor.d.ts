// Type declarations for the two small libraries of the ingest pipeline that ship none.
declare module "email-reply-parser" {
  class Fragment {
    getContent(): string;
    isHidden(): boolean;
    isQuoted(): boolean;
    isSignature(): boolean;
    isEmpty(): boolean;
  }
  class Email {
    getFragments(): Fragment[];
    getVisibleText(): string;
    getQuotedText(): string;
  }
  export default class EmailReplyParser {
    read(text: string): Email;
    parseReply(text: string): string;
  }
}

declare module "turndown-plugin-gfm" {
  import type TurndownService from "turndown";
  export const gfm: TurndownService.Plugin;
  export const tables: TurndownService.Plugin;
  export const strikethrough: TurndownService.Plugin;
}
