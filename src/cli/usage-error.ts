/**
 * A mistake on the command line or with an input file (unknown option, file not found, unparsable
 * JSON). `main()` prints its message without a stack trace and exits with 2; with `showUsage`, the
 * command's usage line follows (for mistakes in the arguments themselves).
 */
export class UsageError extends Error {
  readonly showUsage: boolean;
  constructor(message: string, options: { showUsage?: boolean } = {}) {
    super(message);
    this.showUsage = options.showUsage ?? false;
  }
  override get name(): string {
    return 'UsageError';
  }
}
