/** The name of the config's root in every issue path (`databases.default.pool.max`). */
export const CONFIG_ROOT = 'databases';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const ARRAY_INDEX = /^(0|[1-9][0-9]*)$/;

/**
 * Renders keys as the dotted path used in every `ConfigIssue`: `databases.default.pool.max`.
 * Keys that are not identifiers are bracket-quoted (`databases["my-db"]`), so a path always points
 * at exactly one place. Array positions read as such: `databases.default.hosts[0].host`.
 */
export function configPath(segments: readonly string[]): string {
  let path = CONFIG_ROOT;
  for (const segment of segments) path += IDENTIFIER.test(segment) ? `.${segment}` : ARRAY_INDEX.test(segment) ? `[${segment}]` : `[${JSON.stringify(segment)}]`;
  return path;
}
