/**
 * GitLab's Gitlab::Utils::Email "deform" (gitlab-reference item 32): what a viewer below Reporter sees of
 * an external participant's address: `jake@adventuretime.ooo` → `ja*****@a*****.o**`.
 */
export const obfuscateEmail = (email: string): string => {
  const at = email.lastIndexOf("@");
  if (at < 0) return `${email.slice(0, 2)}*****`;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf(".");
  const host = dot < 0 ? domain : domain.slice(0, dot);
  const tld = dot < 0 ? "" : domain.slice(dot + 1);
  return `${local.slice(0, 2)}*****@${host.slice(0, 1)}*****${tld ? `.${tld.slice(0, 1)}**` : ""}`;
};

/** Every address in a text (a system note such as `unsubscribed jake@…`), obfuscated the same way. */
export const obfuscateEmailsIn = (text: string): string =>
  text.replace(/[^\s<>()[\]"'`,;:@]+@[^\s<>()[\]"'`,;:@]+\.[A-Za-z]{2,}/g, (address) => obfuscateEmail(address));
