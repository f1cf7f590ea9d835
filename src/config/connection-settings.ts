import type { ConnectionSettings, HostAddress, Int64Mode, TargetSessionAttrs } from '../adapter.js';
import type { TlsSetting } from '../tls-settings.js';
import { deepFreeze } from './deep-freeze.js';

/** The fields of `ConnectionSettings`, before they are frozen. */
export interface ConnectionFields {
  host?: string | undefined;
  port?: number | undefined;
  hosts?: readonly HostAddress[] | undefined;
  targetSessionAttrs?: TargetSessionAttrs | undefined;
  database?: string | undefined;
  user?: string | undefined;
  password?: string | undefined;
  passwordFunction?: (() => string | Promise<string>) | undefined;
  ssl?: TlsSetting | undefined;
  options: Record<string, unknown>;
  int64?: Int64Mode | undefined;
}

/**
 * Builds frozen `ConnectionSettings`. `password` is a non-enumerable property (as pg-pool does):
 * `settings.password` reads it, but `JSON.stringify`, `util.inspect`, `Object.keys` and `{ ...settings }`
 * never show it — so adapters must read it explicitly. `passwordFunction` is hidden the same way.
 * Undefined fields are left out.
 *
 * @example createConnectionSettings({ host: 'db', password: 's3cret', options: {} }).password // 's3cret'
 */
export function createConnectionSettings(fields: ConnectionFields): ConnectionSettings {
  const settings: Record<string, unknown> = {};
  for (const key of ['host', 'port', 'hosts', 'targetSessionAttrs', 'database', 'user', 'ssl', 'int64'] as const) {
    if (fields[key] !== undefined) settings[key] = fields[key];
  }
  settings['options'] = fields.options;
  if (fields.password !== undefined) Object.defineProperty(settings, 'password', { value: fields.password, enumerable: false });
  if (fields.passwordFunction !== undefined) Object.defineProperty(settings, 'passwordFunction', { value: fields.passwordFunction, enumerable: false });
  return deepFreeze(settings) as unknown as ConnectionSettings;
}
