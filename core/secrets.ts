/*
 * Secrets never printed or stored, however they are given: a password in a URL's user part (even one
 * holding an "@") or in its query (?password=, ?token=, …), and a webhook URL's path, which for Slack
 * and most chat tools is the secret itself. What people see of a URL is enough to tell which one it is.
 */

/** Query parameters that carry a credential. */
const SECRET_PARAMS = /^(password|pass|pwd|sslpassword|token|access_token|api_key|apikey|key|secret|signature|sig)$/i;

/** A database URL for people: no password in its user part or its query. */
export function redactDatabaseUrl(text: string): string {
  const url = parse(text);
  if (!url) return maskUserInfo(text);
  url.password = "";
  for (const name of [...url.searchParams.keys()]) if (SECRET_PARAMS.test(name)) url.searchParams.set(name, "***");
  return decodeURIComponent(url.toString());
}

/** A webhook URL for people: its scheme and host only (its path and query are the secret). */
export function redactWebhookUrl(text: string): string {
  const url = parse(text);
  if (!url) return "(a webhook URL, not shown)";
  return `${url.protocol}//${url.host}/…`;
}

/**
 * Every URL in a message (an error from a driver, a config check, the command line's last word), with its
 * secrets hidden: database URLs lose their passwords, any URL its user part and secret query parameters.
 * (A webhook's own URL is never put in a message at all: see redactWebhookUrl.)
 */
export function redactUrls(message: string): string {
  return message.replace(/\b([a-z][a-z0-9+.-]*):\/\/\S+/gi, (found, scheme: string) => {
    if (/^postgres(ql)?$/i.test(scheme)) return redactDatabaseUrl(found);
    const url = parse(found);
    if (!url) return maskUserInfo(found);
    if (!url.username && !url.password && ![...url.searchParams.keys()].some((k) => SECRET_PARAMS.test(k))) return found;
    return redactDatabaseUrl(found).replace(/\/\/[^/@]*@/, "//");
  });
}

function parse(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** A URL that does not parse: everything between "://" and its last "@" (a password may hold "@") hidden. */
function maskUserInfo(text: string): string {
  const start = text.indexOf("://");
  const at = text.lastIndexOf("@");
  return start >= 0 && at > start ? `${text.slice(0, start + 3)}***${text.slice(at)}` : text;
}
