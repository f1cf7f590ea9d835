import { didYouMean } from '../config/did-you-mean.js';
import { UsageError } from './usage-error.js';

/** The options a command accepts: long name → kind (and an optional one-letter alias). */
export type OptionSpec = Readonly<Record<string, { readonly type: 'boolean' | 'string'; readonly short?: string }>>;

/** Parsed arguments: option values by long name, and the positional arguments. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/**
 * A small, strict argument parser: `--name`, `--name=value`, `--name value`, `-x`, and `--` to end
 * options. Unknown options and surplus positionals are `UsageError`s with a "did you mean".
 */
export function parseCommandArgs(args: readonly string[], spec: OptionSpec, maxPositionals: number): ParsedArgs {
  const values: Record<string, string | boolean | undefined> = {};
  const positionals: string[] = [];
  const names = Object.keys(spec);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    let flag: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) [flag, inline] = splitOnce(arg.slice(2), '=');
    else flag = names.find((name) => spec[name]?.short === arg.slice(1)) ?? arg;
    const option = Object.hasOwn(spec, flag) ? spec[flag] : undefined;
    if (option === undefined) {
      const suggestion = didYouMean(arg.replace(/^-+/, ''), names);
      throw new UsageError(`unknown option "${arg}"${suggestion === undefined ? '' : ` — did you mean "--${suggestion}"?`}`, { showUsage: true });
    }
    if (option.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`option "--${flag}" takes no value`, { showUsage: true });
      values[flag] = true;
    } else {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`option "--${flag}" needs a value`, { showUsage: true });
      values[flag] = value;
    }
  }
  if (positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument "${positionals[maxPositionals] ?? ''}"${maxPositionals === 0 ? ' — this command takes no arguments' : ''}`, { showUsage: true });
  }
  return { values, positionals };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
