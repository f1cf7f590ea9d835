/**
 * Resolves `true` when `call()` fulfils, `false` when it rejects, throws, or has not settled after
 * `ms`. Never rejects; its timer is cleared as soon as the call settles and never keeps the process
 * alive. Used for pings and closes, which must not hang the pool on a dead socket.
 */
export function settledWithin(call: () => Promise<unknown>, ms: number): Promise<boolean> {
  let pending: Promise<unknown>;
  try {
    pending = Promise.resolve(call());
  } catch (error) {
    pending = Promise.reject(error);
  }
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms, false);
    timer.unref();
    pending.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(false);
      },
    );
  });
}
