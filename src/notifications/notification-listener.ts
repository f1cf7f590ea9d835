import type { NotificationSupport } from '../adapter.js';
import { describeValue } from '../config/describe-value.js';
import type { DatabaseCore } from '../database-core.js';
import { PoolClosedError, UnipoolError } from '../errors.js';
import { backoffDelayMs } from '../pool/backoff.js';
import { connectToHosts } from '../topology/connect-to-hosts.js';

/** Options of `db.listen()`. */
export interface ListenOptions {
  /**
   * Called after the listening connection was lost and opened again: notifications sent in between
   * were missed (PostgreSQL does not queue them for a listener that is gone). Re-read whatever state
   * the notifications were telling you about.
   */
  readonly onGap?: () => unknown;
}

/** Stops one `db.listen()` subscription; resolves when the server no longer sends it. Calling it again does nothing. */
export type Unlisten = () => Promise<void>;

interface Subscription {
  readonly onPayload: (payload: string) => unknown;
  readonly onGap: (() => unknown) | undefined;
}

/** One channel: its subscriptions, and the LISTEN that made the current connection receive it. */
interface Channel {
  readonly subscriptions: Set<Subscription>;
  listening: Promise<void> | undefined;
}

function ignore(): void {}

/**
 * The listening side of one database: one dedicated connection (opened on the first `listen()`,
 * outside the pool and its `max`, closed when the last subscription ends or the databases close)
 * that every channel shares. When the connection drops it is opened again with the pool's backoff
 * (50 ms doubling to 5 s), every channel is LISTENed again, and each subscription's `onGap` runs.
 * Handlers are user callbacks: their errors are reported through the logger, never thrown here.
 */
export class NotificationListener<C = unknown> {
  readonly #core: DatabaseCore;
  readonly #support: NotificationSupport<C>;
  readonly #channels = new Map<string, Channel>();
  #conn: C | undefined = undefined;
  #opening: Promise<C> | undefined = undefined;
  #failures = 0;
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #closed = false;

  constructor(core: DatabaseCore, support: NotificationSupport<C>) {
    this.#core = core;
    this.#support = support;
  }

  /** Subscribe `onPayload` to `channel`; resolves once the server sends that channel to this process. */
  async listen(channel: string, onPayload: (payload: string) => unknown, options: ListenOptions = {}): Promise<Unlisten> {
    this.#checkChannel('db.listen()', channel);
    if (typeof onPayload !== 'function') throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.listen(channel, onPayload): onPayload must be a function, got ${describeValue(onPayload)}`);
    if (typeof options !== 'object' || options === null || (options.onGap !== undefined && typeof options.onGap !== 'function')) {
      throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `db.listen(channel, onPayload, options): options must be an object like { onGap: () => … }, got ${describeValue(options)}`);
    }
    if (this.#closed) throw new PoolClosedError(this.#core.config.alias);
    const subscription: Subscription = { onPayload, onGap: options.onGap };
    let entry = this.#channels.get(channel);
    if (entry === undefined) {
      entry = { subscriptions: new Set(), listening: undefined };
      this.#channels.set(channel, entry);
    }
    entry.subscriptions.add(subscription);
    try {
      const conn = await this.#connection();
      await this.#listenOn(conn, channel, entry);
    } catch (error) {
      await this.#remove(channel, subscription);
      throw error;
    }
    let removed: Promise<void> | undefined;
    return () => (removed ??= this.#remove(channel, subscription));
  }

  /** Checks a channel name for `db.listen()`/`db.notify()`: a non-empty string the server accepts as a name. */
  checkChannel(where: string, channel: unknown): asserts channel is string {
    this.#checkChannel(where, channel);
  }

  /** Stop listening and close the connection; no reconnect after this. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#clearTimer();
    this.#channels.clear();
    const conn = this.#conn ?? (await this.#opening?.catch(() => undefined));
    this.#conn = undefined;
    if (conn !== undefined) await this.#core.adapter.close(conn).catch(ignore);
  }

  #checkChannel(where: string, channel: unknown): asserts channel is string {
    if (typeof channel !== 'string' || channel === '' || channel.includes('\0')) {
      throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `${where}: the channel must be a non-empty string without NUL characters, got ${describeValue(channel)}`);
    }
    const bytes = Buffer.byteLength(channel, 'utf8');
    if (bytes > this.#support.maxChannelBytes) {
      throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', `${where}: the channel name is ${bytes} bytes long; ${this.#core.config.engine} allows at most ${this.#support.maxChannelBytes}`);
    }
  }

  async #remove(channel: string, subscription: Subscription): Promise<void> {
    const entry = this.#channels.get(channel);
    if (entry === undefined || !entry.subscriptions.delete(subscription) || entry.subscriptions.size > 0) return;
    this.#channels.delete(channel);
    const conn = this.#conn;
    if (this.#channels.size === 0) {
      // Nobody listens any more: give the server its connection back.
      this.#clearTimer();
      this.#conn = undefined;
      if (conn !== undefined) await this.#core.adapter.close(conn).catch(ignore);
      return;
    }
    if (conn !== undefined && entry.listening !== undefined) {
      await entry.listening.catch(ignore);
      // A drop meanwhile took the LISTEN with it: nothing to undo.
      if (this.#conn === conn) await this.#support.unlisten(conn, channel).catch(ignore);
    }
  }

  /** One LISTEN per channel and connection, shared by concurrent callers; forgotten if it fails, so the next call retries. */
  #listenOn(conn: C, channel: string, entry: Channel): Promise<void> {
    entry.listening ??= this.#support.listen(conn, channel).catch((error: unknown) => {
      entry.listening = undefined;
      throw error;
    });
    return entry.listening;
  }

  #connection(): Promise<C> {
    if (this.#conn !== undefined) return Promise.resolve(this.#conn);
    this.#opening ??= this.#open().finally(() => {
      this.#opening = undefined;
    });
    return this.#opening;
  }

  async #open(): Promise<C> {
    const core = this.#core;
    const opened: { conn?: C } = {};
    // Through the host list like the pool's connections: LISTEN needs the same kind of server
    // (a standby refuses it), and after a failover the reconnect must find the new one.
    const conn = (
      await connectToHosts(core.adapter, core.config.connection, {
        timeoutMs: core.config.pool.connectTimeoutMs,
        onBroken: () => this.#dropped(opened.conn),
      })
    ).raw as C;
    opened.conn = conn;
    if (this.#closed || this.#channels.size === 0) {
      // close() or the last unlisten came first: nobody wants this connection.
      await core.adapter.close(conn).catch(ignore);
      throw new PoolClosedError(core.config.alias);
    }
    this.#support.onNotification(conn, (channel, payload) => this.#deliver(channel, payload));
    this.#conn = conn;
    for (const entry of this.#channels.values()) entry.listening = undefined;
    return conn;
  }

  #deliver(channel: string, payload: string): void {
    const entry = this.#channels.get(channel);
    if (entry === undefined) return;
    for (const subscription of [...entry.subscriptions]) this.#core.runCallback(() => subscription.onPayload(payload), `a db.listen("${channel}") handler`);
  }

  #dropped(conn: C | undefined): void {
    if (conn === undefined || conn !== this.#conn) return;
    this.#conn = undefined;
    void this.#core.adapter.close(conn).catch(ignore);
    this.#core.logger.warn(`unipool: pool "${this.#core.config.alias}": the listening connection was lost; reconnecting (notifications sent meanwhile are missed; onGap handlers will run)`);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#channels.size === 0 || this.#timer !== undefined) return;
    this.#failures += 1;
    // Not unref'd: a process that only listens must stay alive while its listener reconnects, as it
    // does while the connection is open. dbs.close() clears it.
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#reconnect();
    }, backoffDelayMs(this.#failures, Math.random));
  }

  async #reconnect(): Promise<void> {
    if (this.#closed || this.#channels.size === 0) return;
    try {
      const conn = await this.#connection();
      for (const [channel, entry] of this.#channels) await this.#listenOn(conn, channel, entry);
    } catch (error) {
      if (this.#closed || this.#channels.size === 0) return;
      this.#core.logger.warn(`unipool: pool "${this.#core.config.alias}": reconnecting the listening connection failed (${(error as Error)?.message ?? String(error)}); retrying`);
      if (this.#conn !== undefined) {
        const conn = this.#conn;
        this.#conn = undefined;
        void this.#core.adapter.close(conn).catch(ignore);
      }
      this.#scheduleReconnect();
      return;
    }
    this.#failures = 0;
    for (const [channel, entry] of this.#channels) {
      for (const subscription of [...entry.subscriptions]) {
        const onGap = subscription.onGap;
        if (onGap !== undefined) this.#core.runCallback(onGap, `a db.listen("${channel}") onGap handler`);
      }
    }
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
