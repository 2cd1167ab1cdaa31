import { isIP } from 'node:net';

// Where alerts may be posted: https anywhere, http only to this machine (a local relay) unless
// the operator allows it (ALERT_ENDPOINT_ALLOW_HTTP=1), since an alert's body would otherwise
// cross the network in clear.

const isLoopback = (hostname: string): boolean => {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return isIP(host) === 6 && (host === '::1' || host === '0:0:0:0:0:0:0:1');
};

/** Why the URL cannot take alerts, or undefined when it can. */
export function alertUrlProblem(text: string, allowHttp: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'url must be an absolute http(s) URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'url must be an http(s) URL';
  if (url.username !== '' || url.password !== '') return 'url must not hold a user name or password (the secret signs each alert)';
  if (url.hash !== '') return 'url must not have a #fragment';
  if (url.protocol === 'http:' && !allowHttp && !isLoopback(url.hostname)) {
    return 'url must be https (http only to localhost, unless the operator sets ALERT_ENDPOINT_ALLOW_HTTP=1)';
  }
  return undefined;
}
