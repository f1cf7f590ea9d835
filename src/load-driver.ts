import { UnipoolError } from './errors.js';

/**
 * Loads a driver package on first use, so `src/` and the adapters never import one at module load
 * and an app only needs the drivers of the engines it configures. The result is cached per package.
 */
const cache = new Map<string, Promise<unknown>>();

/** Import `packageName` once; a missing package becomes `UNIPOOL_DRIVER_MISSING` with the install command. */
export function loadDriver<T>(engine: string, packageName: string, load: () => Promise<unknown> = () => import(packageName)): Promise<T> {
  let pending = cache.get(packageName);
  if (pending === undefined) {
    pending = load().then(
      (module) => (module as { default?: unknown }).default ?? module,
      (error: unknown) => {
        cache.delete(packageName);
        const notFound = (error as { code?: string } | null)?.code === 'ERR_MODULE_NOT_FOUND';
        throw new UnipoolError(
          'UNIPOOL_DRIVER_MISSING',
          notFound
            ? `engine "${engine}" needs the package "${packageName}": npm install ${packageName}`
            : `engine "${engine}": loading the package "${packageName}" failed: ${(error as Error)?.message ?? String(error)}`,
          { cause: error },
        );
      },
    );
    cache.set(packageName, pending);
  }
  return pending as Promise<T>;
}
