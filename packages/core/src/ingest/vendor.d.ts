// Type declarations for the small library of the ingest pipeline that ships none.
declare module "turndown-plugin-gfm" {
  import type TurndownService from "turndown";
  export const gfm: TurndownService.Plugin;
  export const tables: TurndownService.Plugin;
  export const strikethrough: TurndownService.Plugin;
}

// mailauth's parts, loaded one by one (screen.ts): its index also loads BIMI's certificate stack and an
// HTTP client, which screening never uses and which cost a decide thread ~14 MB.
type MailauthStatus = { result: string };
type MailauthResolver = (name: string, type: string) => Promise<unknown>;
declare module "mailauth/lib/dkim/verify.js" {
  export const dkimVerify: (
    input: Buffer,
    opts: { resolver?: MailauthResolver; sender?: string; minBitLength?: number },
  ) => Promise<{
    headerFrom?: string[];
    arc?: unknown;
    results: {
      id?: string;
      signingDomain: string;
      status: MailauthStatus & { aligned?: unknown; underSized?: unknown };
    }[];
  }>;
}
declare module "mailauth/lib/spf/index.js" {
  export const spf: (opts: {
    sender?: string;
    ip?: string;
    helo?: string;
    mta?: string;
    resolver?: MailauthResolver;
  }) => Promise<{ status: MailauthStatus; domain?: string } | false>;
}
declare module "mailauth/lib/arc/index.js" {
  export const arc: (
    chain: unknown,
    opts: { resolver?: MailauthResolver; minBitLength?: number },
  ) => Promise<{ status: MailauthStatus } | false>;
}
declare module "mailauth/lib/dmarc/index.js" {
  export const dmarc: (opts: {
    headerFrom: string[] | string;
    spfDomains: string[];
    dkimDomains: { id?: string; domain: string; aligned?: unknown; underSized?: unknown }[];
    arcResult?: unknown;
    resolver?: MailauthResolver;
  }) => Promise<{ status: MailauthStatus; policy?: string; domain?: string } | false>;
}
// The header/body splitter under DKIM and ARC (mailauth-header-scan.ts replaces its header scan).
declare module "mailauth/lib/dkim/message-parser.js" {
  export class MessageParser {
    processChunk(chunk: Buffer): Promise<void>;
  }
}
declare module "mailauth/lib/tools.js" {
  export const parseHeaders: (block: Buffer) => unknown;
}
declare module "mailauth/lib/dkim/sign.js" {
  export const dkimSign: (
    input: Buffer,
    opts: {
      /** The t= tag; without it the signer reads the clock twice and may sign another t= than it writes. */
      signTime?: Date;
      signatureData: { signingDomain: string; selector: string; privateKey: string | Buffer }[];
    },
  ) => Promise<{ signatures: string; errors: unknown[] }>;
}
