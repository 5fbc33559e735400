// Issue 12.6: why an inbound email landed where it did — one typed reason, stored with the message
// (inbound_emails.route_reason / route_detail) and explained in one sentence for the thread's "Why is this
// here?". The detail is a header name, a Message-ID or an issue reference: never an address or a reply key.

export type RouteReason =
  /** Sent to a reply address of this issue (the header that named it). */
  | { reason: "reply_key"; header: string }
  /** Its In-Reply-To/References name the email that opened this issue. */
  | { reason: "thread"; messageId: string }
  /** Sent to the project's Service Desk address, answering no email of an issue. */
  | { reason: "new_issue"; header: string }
  /** It answers a message a responder moved to this issue. */
  | { reason: "follows_move"; messageId: string }
  /** A responder moved it here from another issue. */
  | { reason: "moved"; fromIid: number };

const HEADER_NAMES: Record<string, string> = {
  to: "To",
  cc: "Cc",
  "delivered-to": "Delivered-To",
  "x-delivered-to": "X-Delivered-To",
  "envelope-to": "Envelope-To",
  "x-envelope-to": "X-Envelope-To",
  "x-original-to": "X-Original-To",
  "x-forwarded-to": "X-Forwarded-To",
  received: "Received",
  envelope: "the SMTP envelope",
};
const headerName = (h: string) => HEADER_NAMES[h.toLowerCase()] ?? h;

/** The sentence a responder reads. */
export const explainRoute = (r: RouteReason): string => {
  switch (r.reason) {
    case "reply_key":
      return `Added here because it was sent to this issue's reply address (found in ${headerName(r.header)}).`;
    case "thread":
      return `Added here because it answers the email that opened this issue (In-Reply-To/References name <${r.messageId}>).`;
    case "new_issue":
      return `A new issue because it was sent to the project's Service Desk address (found in ${headerName(r.header)}) and answers no email of an existing issue.`;
    case "follows_move":
      return `Added here because it answers a message a responder moved to this issue (<${r.messageId}>).`;
    case "moved":
      return `Moved here by a responder from #${r.fromIid}.`;
  }
};

/** The two stored columns. */
export const encodeRoute = (r: RouteReason | null | undefined): { reason: string | null; detail: string | null } => {
  if (!r) return { reason: null, detail: null };
  switch (r.reason) {
    case "reply_key":
    case "new_issue":
      return { reason: r.reason, detail: r.header };
    case "thread":
    case "follows_move":
      return { reason: r.reason, detail: r.messageId };
    case "moved":
      return { reason: r.reason, detail: String(r.fromIid) };
  }
};

/** Back from the stored columns (null for messages stored before reasons were kept). */
export const decodeRoute = (reason: string | null, detail: string | null): RouteReason | null => {
  if (!reason || detail === null) return null;
  switch (reason) {
    case "reply_key":
    case "new_issue":
      return { reason, header: detail };
    case "thread":
    case "follows_move":
      return { reason, messageId: detail };
    case "moved":
      return /^\d+$/.test(detail) ? { reason, fromIid: Number(detail) } : null;
    default:
      return null;
  }
};
