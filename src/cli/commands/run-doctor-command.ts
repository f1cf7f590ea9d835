import { redactSecrets, REDACTED } from '../../config/redact-secrets.js';
import { replicaDatabaseConfigs } from '../../replicas/replica-configs.js';
import { resolveConfig } from '../../config/resolve-config.js';
import type { ResolvedDatabaseConfig } from '../../config/resolved-config.js';
import { adapters } from '../../engines.js';
import { ConfigError } from '../../errors.js';
import { diagnoseDatabase, type DoctorOptions } from '../../metrics/doctor/diagnose-database.js';
import { renderHuman, renderJson, type DoctorReport } from '../../metrics/doctor/doctor-report.js';
import type { CliContext } from '../cli-command.js';
import { findConfigFile, loadConfigFile } from '../load-config-file.js';
import { parseCommandArgs } from '../parse-command-args.js';
import { UsageError } from '../usage-error.js';

/** `unipool doctor` itself (its help text is in doctor-command.ts). */
export async function runDoctorCommand(args: readonly string[], { io, cwd }: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { instances: { type: 'string' }, rate: { type: 'string' }, 'hold-ms': { type: 'string' }, json: { type: 'boolean' } },
    1,
  );
  const options: DoctorOptions = {
    instances: positiveNumber(values['instances'], 'instances', true) ?? 1,
    ratePerSecond: positiveNumber(values['rate'], 'rate', false),
    holdMs: positiveNumber(values['hold-ms'], 'hold-ms', false),
  };
  if ((options.ratePerSecond === undefined) !== (options.holdMs === undefined)) {
    throw new UsageError('--rate and --hold-ms go together: Little\'s law needs both the request rate and how long each request holds a connection', { showUsage: true });
  }
  const file = positionals[0] ?? (await findConfigFile(cwd).catch(renameCommand));
  const config = await loadConfigFile(file, cwd);
  let databases: readonly ResolvedDatabaseConfig[];
  try {
    databases = resolveConfig(config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr.write(`✗ ${file}: ${redactLines(error.message)}\nRun "unipool check ${file}" for details.\n`);
    return 1;
  }
  // Each read replica is a server of its own: checked like its database, listed right after it.
  const targets = databases.flatMap((db) => [{ config: db, role: 'primary' as const }, ...replicaDatabaseConfigs(db).map((replica) => ({ config: replica.config, role: 'replica' as const }))]);
  const diagnoses = await Promise.all(targets.map(({ config: db, role }) => diagnoseDatabase(db, adapters[db.engine], options, role)));
  const report: DoctorReport = {
    ok: diagnoses.every((d) => d.verdict !== 'error'),
    file,
    instances: options.instances,
    ratePerSecond: options.ratePerSecond,
    holdMs: options.holdMs,
    databases: diagnoses,
  };
  const text = values['json'] === true ? renderJson(report) : renderHuman(report);
  io.stdout.write(hidePasswords(text, targets.map((target) => target.config)));
  return report.ok ? 0 : 1;
}

/** `redactSecrets()` per line: it reads one URL at a time, up to the last `@` it sees. */
function redactLines(text: string): string {
  return text.split('\n').map(redactSecrets).join('\n');
}

/** A number from the command line: finite, above 0, and whole where `integer`. */
function positiveNumber(value: string | boolean | undefined, name: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new UsageError(`--${name} must be ${integer ? 'a whole number' : 'a number'} above 0, got ${JSON.stringify(value)}`, { showUsage: true });
  }
  return number;
}

/** `findConfigFile()` words its hints for `unipool check`. */
function renameCommand(error: unknown): never {
  if (error instanceof UsageError) throw new UsageError(error.message.replaceAll('unipool check', 'unipool doctor'), { showUsage: error.showUsage });
  throw error;
}

/**
 * Belt and braces: the report is built without passwords, but a driver message could echo a
 * connection string or the password itself. Very short passwords are not searched for: replacing
 * every "ab" in the report would garble it without protecting much.
 */
function hidePasswords(text: string, databases: readonly ResolvedDatabaseConfig[]): string {
  let result = redactLines(text);
  for (const db of databases) {
    const password = db.connection.password;
    if (password !== undefined && password.length >= 4) {
      result = result.split(password).join(REDACTED);
      const encoded = encodeURIComponent(password);
      if (encoded !== password) result = result.split(encoded).join(REDACTED);
    }
  }
  return result;
}
