/** What a secret is replaced with in every message. */
export const REDACTED = '***';

// Query parameters that carry a secret in the connection-URL dialects of the four drivers.
const SECRET_QUERY = /([?&](?:password|passwd|pass|pwd|sslpassword)=)[^&#]*/gi;

/**
 * Removes the secrets from a text that may hold a connection URL: the password of the userinfo
 * (`postgres://app:***@db/x`) and `password=`-style query parameters. Works on unparsable URLs too,
 * because those are exactly the ones that end up in error messages. When in doubt it hides more:
 * everything between the user name and the last `@` goes, since an unencoded `@` or `/` in a
 * password would otherwise leave part of it visible.
 */
export function redactSecrets(text: string): string {
  let result = text;
  const schemeEnd = result.indexOf('://');
  if (schemeEnd >= 0) {
    const authorityStart = schemeEnd + 3;
    const lastAt = result.lastIndexOf('@');
    if (lastAt > authorityStart) {
      const userinfo = result.slice(authorityStart, lastAt);
      const colon = userinfo.indexOf(':');
      if (colon >= 0) result = `${result.slice(0, authorityStart)}${userinfo.slice(0, colon)}:${REDACTED}${result.slice(lastAt)}`;
    }
  }
  return result.replace(SECRET_QUERY, `$1${REDACTED}`);
}
