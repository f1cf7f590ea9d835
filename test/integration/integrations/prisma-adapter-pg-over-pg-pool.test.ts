import { PrismaPg } from '@prisma/adapter-pg';
import { expect } from 'chai';
import pg from 'pg';
import { engineUnderTest, uniqueTable } from '../../support/engines.js';
import { closeDatabasesAfterEach, openDatabase } from '../../support/open-database.js';
import { generatePrismaClient, type GeneratedPrismaClient } from './support/generate-prisma-client.js';

interface Item {
  id: number;
  label: string;
}

/** The part of the generated PrismaClient this suite uses. */
interface PrismaLike {
  $queryRaw(strings: TemplateStringsArray, ...values: unknown[]): Promise<unknown[]>;
  $transaction<T>(fn: (tx: PrismaLike & { item: ItemDelegate }) => Promise<T>): Promise<T>;
  $disconnect(): Promise<void>;
  item: ItemDelegate;
}
interface ItemDelegate {
  create(args: { data: Item }): Promise<Item>;
  findMany(args?: { orderBy?: { id: 'asc' } }): Promise<Item[]>;
}

// Prisma 7 with @prisma/adapter-pg given db.pgPool(): PrismaPg recognises a pool only by
// `instanceof pg.Pool`, so this also proves the pool is a subclass of the application's pg.Pool.
describe('integrations: Prisma 7 (@prisma/adapter-pg) over db.pgPool()', function () {
  // prisma generate runs once for the suite (a few seconds on a busy machine).
  this.timeout(120_000);
  closeDatabasesAfterEach();
  const postgres = engineUnderTest('postgres');
  const table = uniqueTable('prisma');
  let raw: pg.Client;
  let generated: GeneratedPrismaClient;
  let PrismaClient: new (options: { adapter: unknown }) => PrismaLike;
  before(async () => {
    raw = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    await raw.connect();
    generated = await generatePrismaClient(table);
    ({ PrismaClient } = (await import(generated.url)) as { PrismaClient: typeof PrismaClient });
  });
  after(async () => {
    generated?.remove();
    await raw.end();
  });
  beforeEach(async () => raw.query(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, label TEXT NOT NULL)`));
  afterEach(async () => raw.query(`DROP TABLE ${table}`));
  const onServer = async (): Promise<Item[]> => (await raw.query(`SELECT id, label FROM ${table} ORDER BY id`)).rows;

  it('runs $queryRaw, model queries and an interactive $transaction (commit and rollback) through unipool', async () => {
    const { db } = openDatabase(postgres);
    const prisma = new PrismaClient({ adapter: new PrismaPg(db.pgPool<pg.Pool>()) });
    try {
      const before = db.stats().acquired;
      expect(await prisma.$queryRaw`SELECT ${7}::int AS n`).to.deep.equal([{ n: 7 }]);
      await prisma.item.create({ data: { id: 1, label: 'one' } });
      await prisma.$transaction(async (tx) => {
        await tx.item.create({ data: { id: 2, label: 'two' } });
      });
      const failed = await prisma
        .$transaction(async (tx) => {
          await tx.item.create({ data: { id: 3, label: 'three' } });
          throw new Error('roll back');
        })
        .catch((e: unknown) => e);
      expect(failed).to.have.property('message', 'roll back');
      expect(await onServer()).to.deep.equal([
        { id: 1, label: 'one' },
        { id: 2, label: 'two' },
      ]);
      expect(await prisma.item.findMany({ orderBy: { id: 'asc' } })).to.have.length(2);
      expect(db.stats().acquired - before).to.be.at.least(5);
    } finally {
      await prisma.$disconnect();
    }
    expect(db.stats().inUse).to.equal(0);
    expect((await db.query('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
  });

  it('makes an interactive $transaction inside db.atomic() commit and roll back with it', async () => {
    const { db } = openDatabase(postgres);
    const prisma = new PrismaClient({ adapter: new PrismaPg(db.pgPool<pg.Pool>()) });
    try {
      const failed = await db
        .atomic(async () => {
          await prisma.$transaction(async (tx) => {
            await tx.item.create({ data: { id: 1, label: 'prisma' } });
          });
          expect(await onServer()).to.deep.equal([]);
          throw new Error('outer fails');
        })
        .catch((e: unknown) => e);
      expect(failed).to.have.property('message', 'outer fails');
      expect(await onServer()).to.deep.equal([]);
      await db.atomic(async () => {
        await db.query(`INSERT INTO ${table} VALUES (1, 'outer')`);
        await prisma
          .$transaction(async (tx) => {
            await tx.item.create({ data: { id: 2, label: 'rolled back' } });
            throw new Error('inner fails');
          })
          .catch(() => undefined);
        await prisma.$transaction(async (tx) => {
          await tx.item.create({ data: { id: 3, label: 'prisma' } });
        });
      });
      expect(await onServer()).to.deep.equal([
        { id: 1, label: 'outer' },
        { id: 3, label: 'prisma' },
      ]);
    } finally {
      await prisma.$disconnect();
    }
  });
});
