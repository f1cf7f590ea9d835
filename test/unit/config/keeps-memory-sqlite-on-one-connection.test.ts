import { expect } from 'chai';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { validateConfig } from '../../../src/config/validate-config.js';

const messages = (input: unknown): string[] => validateConfig(input).issues.map((issue) => `${issue.path}: ${issue.message}`);

describe('in-memory SQLite', () => {
  for (const memory of [{ database: ':memory:' }, { url: 'sqlite::memory:' }, { url: 'sqlite://:memory:' }]) {
    it(`${JSON.stringify(memory)} defaults to one connection that the pool never closes`, () => {
      const [db] = resolveConfig({ default: { engine: 'sqlite', ...memory } });
      expect(db?.connection.database).to.equal(':memory:');
      expect(db?.pool).to.include({ max: 1, min: 0, idleTimeoutMs: 0, maxLifetimeMs: 0, maxUses: 0 });
      expect(db?.pool.acquireTimeoutMs).to.equal(30000);
    });
  }

  it('accepts explicit values that agree (max 1, min 1, zero timeouts)', () => {
    const [db] = resolveConfig({ default: { engine: 'sqlite', database: ':memory:', pool: { max: 1, min: 1, idleTimeoutMs: 0, maxLifetimeMs: 0, maxUses: 0 } } });
    expect(db?.pool).to.include({ max: 1, min: 1 });
  });

  it('rejects an explicit max above 1, with a hint', () => {
    expect(messages({ default: { engine: 'sqlite', database: ':memory:', pool: { max: 4 } } })).to.deep.equal([
      'databases.default.pool.max: must be 1 for an in-memory SQLite database, got 4 — each connection to ":memory:" opens its own empty database; use a file to share data between connections',
    ]);
  });

  it('rejects anything that would close its only connection', () => {
    expect(messages({ default: { engine: 'sqlite', url: 'sqlite::memory:', pool: { idleTimeoutMs: 1, maxLifetimeMs: 2, maxUses: 3 } } })).to.deep.equal([
      'databases.default.pool.idleTimeoutMs: must be 0 for an in-memory SQLite database, got 1 — closing its only connection would delete the data',
      'databases.default.pool.maxLifetimeMs: must be 0 for an in-memory SQLite database, got 2 — retiring its only connection would delete the data',
      'databases.default.pool.maxUses: must be 0 for an in-memory SQLite database, got 3 — retiring its only connection would delete the data',
    ]);
  });

  it('rejects min 2', () => {
    expect(messages({ default: { engine: 'sqlite', database: ':memory:', pool: { min: 2 } } })).to.deep.equal([
      'databases.default.pool.min: must be ≤ 1 for an in-memory SQLite database, got 2 — it has exactly one connection',
    ]);
  });

  it('rejects a shared-cache URI, which better-sqlite3 would take as a file name', () => {
    expect(messages({ default: { engine: 'sqlite', database: 'file::memory:?cache=shared', pool: { max: 4 } } })).to.deep.equal([
      'databases.default.database: SQLite URI filenames ("file:…") are not supported: better-sqlite3 is built without URI support and would create a file with that literal name — use a plain path or ":memory:"',
    ]);
  });

  it('leaves file databases to the normal defaults', () => {
    const [db] = resolveConfig({ default: { engine: 'sqlite', database: './memory.db', pool: { max: 4 } } });
    expect(db?.pool).to.include({ max: 4, idleTimeoutMs: 60000, maxLifetimeMs: 1800000 });
  });
});
