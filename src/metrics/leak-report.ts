import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * unipool's own code: `src/` and `adapters/` (under `dist/` once built, wherever the package is
 * installed), each as a path and as a `file:` URL, because V8 prints ESM frames with URLs and
 * CommonJS ones with paths.
 */
const OWN_DIRS = [new URL('../', import.meta.url), new URL('../../adapters/', import.meta.url)].flatMap((url) => {
  const path = fileURLToPath(url);
  return [path, pathToFileURL(path).href];
});

/** True for a frame of unipool itself or of Node's internals (`AsyncLocalStorage.run` and the like). */
function isInternalFrame(line: string): boolean {
  return OWN_DIRS.some((dir) => line.includes(dir)) || /\(node:|at node:|\(<anonymous>\)/.test(line);
}

/**
 * The stack of an acquire as users need it: the header line dropped, and unipool's (and Node's)
 * frames trimmed from the top, so the first line is the application code that called
 * `db.query()`/`atomic()`/`session()`. When nothing but internal frames is left (an acquire from a
 * timer inside unipool), the frames are kept as they are rather than reporting nothing.
 */
export function callerStack(stack: string): string {
  const frames = stack.split('\n').filter((line) => line.trimStart().startsWith('at '));
  const first = frames.findIndex((line) => !isInternalFrame(line));
  return (first < 0 ? frames : frames.slice(first)).join('\n');
}

/** The warning logged for a leaked lease; `stack` is already trimmed by `callerStack()`. */
export function leakWarning(alias: string, heldMs: number, leakDetectionMs: number, stack: string): string {
  const where = stack === '' ? ' (no stack was captured)' : `; it was acquired at:\n${stack}`;
  return (
    `unipool: pool "${alias}": a connection has been checked out for ${Math.round(heldMs)} ms ` +
    `(leakDetectionMs=${leakDetectionMs})${where}\n` +
    'Release it: await every query, end atomic()/session() blocks and stream() loops, or raise pool.leakDetectionMs if the hold is legitimate.'
  );
}
