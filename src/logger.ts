/** Where unipool reports what it cannot throw (errors in onCommit callbacks, leaks, cleanup failures). */
export interface Logger {
  warn(message: string): void;
}

/** The default logger: a process warning, visible on stderr and to `process.on('warning')`. @internal */
export const defaultLogger: Logger = {
  warn(message) {
    process.emitWarning(message, { type: 'UnipoolWarning' });
  },
};
