import { expect } from 'chai';
import { ServerConnections } from '../../../src/topology/server-connections.js';
import { serverName } from '../../../src/topology/connect-to-hosts.js';

describe('connections grouped by the server they reached', () => {
  it('lists every open connection to the same server, and forgets closed ones', () => {
    const servers = new ServerConnections();
    const [a1, a2, b1] = [{ n: 'a1' }, { n: 'a2' }, { n: 'b1' }];
    servers.add(a1, 'a:1');
    servers.add(a2, 'a:1');
    servers.add(b1, 'b:2');
    expect(servers.sameServer(a2)).to.have.members([a1, a2]);
    expect(servers.sameServer(b1)).to.deep.equal([b1]);
    expect(servers.serverOf(a1)).to.equal('a:1');
    servers.remove(a1);
    servers.remove(a1);
    expect(servers.sameServer(a2)).to.deep.equal([a2]);
    expect(servers.serverOf(a1)).to.equal(undefined);
    servers.remove(a2);
    expect(servers.sameServer(a2), 'an unknown connection stands alone').to.deep.equal([a2]);
  });

  it('names servers host:port, IPv6 in brackets', () => {
    expect(serverName({ host: 'db', port: 5432 })).to.equal('db:5432');
    expect(serverName({ host: '::1', port: 5432 })).to.equal('[::1]:5432');
    expect(serverName({})).to.equal('localhost');
  });
});
