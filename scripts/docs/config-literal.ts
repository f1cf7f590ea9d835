import ts from 'typescript';

/** A `createDatabases({ … })` call found in an example, with its argument as plain data. */
export interface ConfigLiteral {
  /** 1-based line of the call within the code block. */
  readonly line: number;
  /** The evaluated argument, or why it could not be read as a literal. */
  readonly value?: unknown;
  readonly problem?: string;
}

class NotLiteral extends Error {}

/** A bare `process.env.X` in an example: replaced by a plausible value once the surrounding object is known. */
class EnvValue {
  constructor(readonly name: string) {}
}

const SAMPLE_URLS: Readonly<Record<string, string>> = {
  postgres: 'postgres://app@localhost:5432/app',
  mysql: 'mysql://app@localhost:3306/app',
  sqlite: 'sqlite::memory:',
  oracle: 'oracle://app@localhost:1521/FREEPDB1',
};

/**
 * Replaces each `process.env.X` by a value of the right kind: a URL of the database's engine for
 * `url`, a word for any other string option. The example's own literal values are left alone.
 */
function materialize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(materialize);
  if (value === null || typeof value !== 'object' || value instanceof EnvValue) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const engine = (value as Record<string, unknown>)['engine'];
  return Object.fromEntries(
    entries.map(([key, v]) => {
      if (!(v instanceof EnvValue)) return [key, materialize(v)];
      if (key === 'url') return [key, (typeof engine === 'string' ? SAMPLE_URLS[engine] : undefined) ?? 'postgres://app@localhost:5432/app'];
      return [key, 'example'];
    }),
  );
}

function isProcessEnv(node: ts.Expression): boolean {
  // process.env.X or process.env['X']
  const target = ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node) ? node.expression : undefined;
  return target !== undefined && ts.isPropertyAccessExpression(target) && target.name.text === 'env' && ts.isIdentifier(target.expression) && target.expression.text === 'process';
}

function propertyName(name: ts.PropertyName, path: string): string {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  throw new NotLiteral(`${path}: computed property names are not literal`);
}

/** What a function written in a config literal evaluates to. */
const FUNCTION_STAND_IN = (): string => 'stand-in';

/**
 * Evaluates a literal expression: objects, arrays, strings, numbers (with `_` separators), booleans,
 * null, `-n`, `x as T` / `x satisfies T`, `process.env.X ?? <literal>` (the fallback is the
 * example's value), a bare `process.env.X` (a plausible value; see `materialize`) and a function
 * written in place (a stand-in function: a `password` function is valid config). Anything else
 * throws: an example whose config cannot be read cannot be checked.
 */
export function evaluateLiteral(node: ts.Expression, path = 'config'): unknown {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return evaluateLiteral(node.expression, path);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text.replace(/_/g, ''));
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand)) return -Number(node.operand.text.replace(/_/g, ''));
  if (ts.isBinaryExpression(node) && (node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || node.operatorToken.kind === ts.SyntaxKind.BarBarToken) && isProcessEnv(node.left)) {
    return evaluateLiteral(node.right, path);
  }
  if (isProcessEnv(node)) return new EnvValue(node.getText());
  // A function written in place (a `password` function): validation only needs to see a function,
  // and never calls it. The typecheck of the block checks its body.
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) return FUNCTION_STAND_IN;
  if (ts.isArrayLiteralExpression(node)) return node.elements.map((e, i) => evaluateLiteral(e, `${path}[${i}]`));
  if (ts.isObjectLiteralExpression(node)) {
    const out: Record<string, unknown> = {};
    for (const prop of node.properties) {
      if (!ts.isPropertyAssignment(prop)) throw new NotLiteral(`${path}: only "key: value" properties are literal, got "${prop.getText()}"`);
      const key = propertyName(prop.name, path);
      out[key] = evaluateLiteral(prop.initializer, `${path}.${key}`);
    }
    return out;
  }
  throw new NotLiteral(`${path}: "${node.getText()}" is not a literal (write the value, or process.env.X)`);
}

/** Every `createDatabases(<object>)` call in a JS/TS source text. */
export function findConfigLiterals(code: string): ConfigLiteral[] {
  const source = ts.createSourceFile('example.ts', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: ConfigLiteral[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'createDatabases') {
      const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      const arg = node.arguments[0];
      if (arg === undefined || !ts.isObjectLiteralExpression(arg)) {
        found.push({ line, problem: 'the argument is not an object literal' });
      } else {
        try {
          found.push({ line, value: materialize(evaluateLiteral(arg)) });
        } catch (error) {
          if (!(error instanceof NotLiteral)) throw error;
          found.push({ line, problem: error.message });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
