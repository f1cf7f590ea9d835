import type { NotificationSupport } from '../../src/adapter.js';
import type { PgClient } from './postgres-driver-types.js';

/** `"name"` with embedded quotes doubled: a channel is an identifier, and quoting keeps its case. */
function quoteChannel(channel: string): string {
  return `"${channel.replaceAll('"', '""')}"`;
}

/**
 * PostgreSQL `LISTEN`/`NOTIFY` over pg. The channel is always quoted, so `listen('Orders')` and
 * `notify('Orders')` (which goes through `pg_notify()`, taking the name as a string) name the
 * same channel, and no channel name can inject SQL.
 */
export const postgresNotifications: NotificationSupport<PgClient> = Object.freeze({
  // NAMEDATALEN − 1: the server truncates longer identifiers, and pg_notify() refuses them.
  maxChannelBytes: 63,

  notifyStatement(channel: string, payload: string) {
    return { text: 'SELECT pg_notify($1, $2)', values: [channel, payload] };
  },

  async listen(conn: PgClient, channel: string) {
    await conn.query(`LISTEN ${quoteChannel(channel)}`);
  },

  async unlisten(conn: PgClient, channel: string) {
    await conn.query(`UNLISTEN ${quoteChannel(channel)}`);
  },

  onNotification(conn: PgClient, deliver: (channel: string, payload: string) => void) {
    conn.on('notification', (message: unknown) => {
      const { channel, payload } = message as { channel: string; payload?: string };
      deliver(channel, payload ?? '');
    });
  },
});
