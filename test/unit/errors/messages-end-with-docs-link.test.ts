import { expect } from 'chai';
import { DEFAULT_DOCS_URL, errorDocsUrl } from '../../../src/docs-url.js';
import { ConfigError, ErrorCodes, messageWithoutDocsLink, UnipoolError, type ErrorCode } from '../../../src/errors.js';
import { acquireTimeoutError } from '../../../src/pool/acquire-errors.js';

describe('error messages end with a link to their code in the docs', () => {
  let savedUrl: string | undefined;
  beforeEach(() => {
    savedUrl = process.env['UNIPOOL_DOCS_URL'];
    delete process.env['UNIPOOL_DOCS_URL'];
  });
  afterEach(() => {
    if (savedUrl === undefined) delete process.env['UNIPOOL_DOCS_URL'];
    else process.env['UNIPOOL_DOCS_URL'] = savedUrl;
  });

  it('links every code to its anchor on the error reference', () => {
    for (const code of Object.keys(ErrorCodes) as ErrorCode[]) {
      const error = new UnipoolError(code, 'what happened. How to fix it.');
      expect(error.message).to.equal(`what happened. How to fix it.\nSee ${DEFAULT_DOCS_URL}/reference/errors#${code.toLowerCase()}`);
    }
  });

  it('ends a multi-line config error with the link on its own line', () => {
    const error = new ConfigError([{ path: 'databases.default.pool.max', message: 'must be ≥ 1, got 0' }]);
    expect(error.message).to.equal(
      'Invalid unipool configuration (1 problem):\n  - databases.default.pool.max: must be ≥ 1, got 0\n' +
        `See ${DEFAULT_DOCS_URL}/reference/errors#unipool_config_invalid`,
    );
  });

  it('takes the base URL from UNIPOOL_DOCS_URL, without a trailing slash', () => {
    process.env['UNIPOOL_DOCS_URL'] = 'https://docs.internal.example/unipool/';
    expect(errorDocsUrl('UNIPOOL_QUEUE_FULL')).to.equal('https://docs.internal.example/unipool/reference/errors#unipool_queue_full');
    expect(new UnipoolError('UNIPOOL_POOL_CLOSED', 'closed').message).to.equal('closed\nSee https://docs.internal.example/unipool/reference/errors#unipool_pool_closed');
    process.env['UNIPOOL_DOCS_URL'] = '   ';
    expect(errorDocsUrl('UNIPOOL_QUEUE_FULL')).to.equal(`${DEFAULT_DOCS_URL}/reference/errors#unipool_queue_full`);
  });

  it('quotes a unipool cause inside another message without its link, and links only once, at the end', () => {
    const cause = new UnipoolError('UNIPOOL_CONNECT_TIMEOUT', 'opening a connection took too long');
    expect(messageWithoutDocsLink(cause)).to.equal('opening a connection took too long');
    expect(messageWithoutDocsLink(new Error('plain\nSee this'))).to.equal('plain\nSee this');
    const error = acquireTimeoutError('main', 100, { size: 0, inUse: 0, idle: 0, waiting: 1 }, cause);
    expect(error.message.match(/See http/g)).to.have.length(1);
    expect(error.message.endsWith(`\nSee ${DEFAULT_DOCS_URL}/reference/errors#unipool_acquire_timeout`)).to.equal(true);
  });
});
