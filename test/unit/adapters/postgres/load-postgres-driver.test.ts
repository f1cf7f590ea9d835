import { expect } from 'chai';
import { createPostgresDriverLoader } from '../../../../adapters/postgres/load-postgres-driver.js';
import { withDocsLink } from '../../../support/docs-link.js';

type Caught = { code?: string; message?: string; cause?: unknown };

async function rejection(promise: Promise<unknown>): Promise<Caught | null> {
  return promise.then(
    () => null,
    (error: unknown) => error as Caught,
  );
}

/** Imports a package name that cannot exist, so Node answers with its real "not found" error. */
const importMissing = (packageName: string): Promise<unknown> => import(`${packageName}-unipool-test-not-installed`);

describe('postgres adapter: loading pg and pg-cursor', () => {
  it('says how to install pg when it is missing', async () => {
    const error = await rejection(createPostgresDriverLoader(importMissing).pg());
    expect(error?.code).to.equal('UNIPOOL_DRIVER_MISSING');
    expect(error?.message).to.equal(withDocsLink('UNIPOOL_DRIVER_MISSING', 'engine "postgres" needs the package "pg": npm install pg'));
    expect((error?.cause as { code?: string }).code).to.equal('ERR_MODULE_NOT_FOUND');
  });

  it('says how to install pg-cursor when stream() needs it', async () => {
    const error = await rejection(createPostgresDriverLoader(importMissing).cursor());
    expect(error?.code).to.equal('UNIPOOL_DRIVER_MISSING');
    expect(error?.message).to.equal(withDocsLink('UNIPOOL_DRIVER_MISSING', 'engine "postgres" needs the package "pg-cursor": npm install pg-cursor'));
  });

  it('reports a package that is installed but fails to load, with the cause', async () => {
    const broken = new Error('Unexpected token in pg/lib/index.js');
    const error = await rejection(createPostgresDriverLoader(() => Promise.reject(broken)).pg());
    expect(error?.code).to.equal('UNIPOOL_DRIVER_MISSING');
    expect(error?.message).to.equal(withDocsLink('UNIPOOL_DRIVER_MISSING', 'engine "postgres": loading the package "pg" failed: Unexpected token in pg/lib/index.js'));
    expect(error?.cause).to.equal(broken);
  });

  it('imports each package once, and retries after a failure', async () => {
    const calls: string[] = [];
    let fail = true;
    const loader = createPostgresDriverLoader(async (name) => {
      calls.push(name);
      if (fail) throw Object.assign(new Error('not found'), { code: 'ERR_MODULE_NOT_FOUND' });
      return { default: { Client: class {}, Query: class {} } };
    });
    await rejection(loader.pg());
    fail = false;
    const first = await loader.pg();
    const second = await loader.pg();
    expect(first).to.equal(second);
    expect(calls).to.deep.equal(['pg', 'pg']);
  });

  it('loads the real pg (default export with Client and Query) and pg-cursor', async () => {
    const loader = createPostgresDriverLoader();
    const pg = await loader.pg();
    expect(pg.Client).to.be.a('function');
    expect(pg.Query).to.be.a('function');
    expect(await loader.cursor()).to.be.a('function');
  });
});
