/**
 * Plain http: is accepted only for loopback hosts (the emulator, a local proxy): anything else would
 * send the API key, or fetch a paid result, in clear text. The client and the emulator share this
 * one rule.
 *
 * Only literal loopback addresses and the name `localhost` count. Subdomains of `.localhost` do not,
 * although RFC 6761 reserves them: resolving them goes through the system resolver (here: files,
 * mDNS, then DNS), and a resolver that answered with a remote address would receive the key in clear
 * (SECURITY.md). `localhost` itself is answered from /etc/hosts on every system we support.
 */

/** Whether a URL host is loopback: `localhost`, 127.0.0.0/8 or ::1 (brackets allowed). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Whether the client may talk to this URL: https anywhere, http only on loopback. */
export function isAllowedUrl(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}
