import { UnipoolError } from './errors.js';

/** Imports a package; injectable so tests can simulate a missing, broken or fake driver. */
export type ModuleLoader = () => Promise<unknown>;

function isNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

/**
 * A lazy, cached driver import: adapters never import their driver at module load, so an app only
 * needs the drivers of the engines it configures. A failed import is not cached (install the
 * package and retry, no restart); a missing package becomes `UNIPOOL_DRIVER_MISSING` with the
 * install command.
 */
export function createDriverLoader<T>(engine: string, packageName: string, loadModule: ModuleLoader): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= loadModule().then(
      (module) => ((module as { default?: unknown }).default ?? module) as T,
      (error: unknown) => {
        pending = undefined;
        throw new UnipoolError(
          'UNIPOOL_DRIVER_MISSING',
          isNotFound(error)
            ? `engine "${engine}" needs the package "${packageName}": npm install ${packageName}`
            : `engine "${engine}": loading the package "${packageName}" failed: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      },
    );
    return pending;
  };
}

const shared = new Map<string, () => Promise<unknown>>();

/** `createDriverLoader` with one shared cache per package, for code outside the adapters (bench, doctor). */
export function loadDriver<T>(engine: string, packageName: string, load: ModuleLoader = () => import(packageName)): Promise<T> {
  let loader = shared.get(packageName);
  if (loader === undefined) {
    loader = createDriverLoader<unknown>(engine, packageName, load);
    shared.set(packageName, loader);
  }
  return loader() as Promise<T>;
}
