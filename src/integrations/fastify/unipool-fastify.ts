import { AsyncResource } from 'node:async_hooks';
import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import type { DatabasesConfig } from '../../config/databases-config.js';
import { createDatabases, DatabaseRegistry, type CreateDatabasesOptions, type Databases } from '../../create-databases.js';
import { UnipoolError } from '../../errors.js';

/** Options of the `unipool/fastify` plugin: the databases, or a config to create them from. */
export type UnipoolFastifyOptions = (
  | {
      /** A registry from `createDatabases()`. */
      readonly databases: DatabaseRegistry;
      readonly config?: undefined;
    }
  | {
      /** A config: the plugin creates the databases (and owns them). */
      readonly config: DatabasesConfig;
      readonly databases?: undefined;
      /** `createDatabases()` options (a logger). */
      readonly createOptions?: CreateDatabasesOptions;
    }
) & {
  /**
   * Close the databases when Fastify closes (`onClose`). Default `true`: the plugin is how the
   * app's lifecycle reaches the pools. Pass `false` for a registry that outlives the Fastify app
   * (shared with a worker, several apps) and close it yourself.
   */
  readonly close?: boolean;
  /** Wait at most this long for connections in use when closing, then close them by force (default: `dbs.close()`'s). */
  readonly closeTimeoutMs?: number;
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The unipool databases (`fastify.dbs.default`), decorated by `unipool/fastify`. */
    dbs: Databases;
  }
}

/**
 * The scope's async context, captured in `onRequest`: Fastify parses the body on the request
 * stream's own events, which run outside it, so `preValidation` re-enters it for the handler.
 */
const contexts = new WeakMap<FastifyRequest, AsyncResource>();

/** The registry the plugin serves: the one given, or one created from the config. */
function registryOf(options: UnipoolFastifyOptions): DatabaseRegistry {
  if (options?.databases instanceof DatabaseRegistry && options.config === undefined) return options.databases;
  if (options?.config !== undefined && options.databases === undefined) {
    return createDatabases(options.config, 'createOptions' in options ? options.createOptions : undefined);
  }
  throw new UnipoolError('UNIPOOL_INVALID_ARGUMENT', 'unipool/fastify: pass exactly one of { databases: dbs } (a registry from createDatabases()) or { config: { default: { … } } }');
}

/**
 * The Fastify plugin (registered with `fastify.register(unipoolFastify, { databases: dbs })`):
 * each request runs in a unipool request scope with the semantics of `dbs.middleware()` — a manual
 * transaction may hold its connection across the request's statements, and everything the request
 * holds is given back (rolled back if still in a transaction) when the response finishes or the
 * client goes away. Decorates `fastify.dbs`; closes the databases on `onClose` unless `close: false`.
 * It breaks Fastify's encapsulation like `fastify-plugin` does, so the decoration and hooks reach
 * every route of the app.
 */
function unipoolFastifyPlugin(fastify: FastifyInstance, options: UnipoolFastifyOptions, done: (error?: Error) => void): void {
  if (options?.close === false && options.config !== undefined) {
    // A registry nobody else can reach would never be closed.
    done(new UnipoolError('UNIPOOL_INVALID_ARGUMENT', 'unipool/fastify: close: false needs { databases: dbs } — databases the plugin creates from a config can only be closed by the plugin'));
    return;
  }
  let dbs: DatabaseRegistry;
  try {
    dbs = registryOf(options);
  } catch (error) {
    done(error as Error);
    return;
  }
  const middleware = dbs.middleware();
  fastify.decorate('dbs', dbs as Databases);
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, next: (error?: Error) => void) => {
    middleware(request.raw, reply.raw, (error?: unknown) => {
      contexts.set(request, new AsyncResource('unipool.scope'));
      next(error as Error | undefined);
    });
  });
  fastify.addHook('preValidation', (request: FastifyRequest, _reply: FastifyReply, next: (error?: Error) => void) => {
    const resource = contexts.get(request);
    if (resource === undefined) next();
    else resource.runInAsyncScope(next, undefined);
  });
  if (options.close !== false) {
    fastify.addHook('onClose', async () => {
      await dbs.close(options.closeTimeoutMs === undefined ? {} : { timeoutMs: options.closeTimeoutMs });
    });
  }
  done();
}

// What fastify-plugin sets: no encapsulation (the decoration and hooks apply to the whole app), a
// name for errors and `dependencies`, and the Fastify versions it supports.
Object.assign(unipoolFastifyPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'unipool',
  [Symbol.for('plugin-meta')]: { name: 'unipool', fastify: '>=5' },
});

/** The `unipool/fastify` plugin. @example await app.register(unipoolFastify, { databases: dbs }); */
export const unipoolFastify: FastifyPluginCallback<UnipoolFastifyOptions> = unipoolFastifyPlugin;
