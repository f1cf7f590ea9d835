import { expect } from 'chai';
import { resolveConfig } from '../../../src/config/resolve-config.js';
import { descriptors, ENGINE_NAMES } from '../../../src/engine-descriptors.js';
import { adapters } from '../../../src/engines.js';

// The config layer decides whether `replicas` is accepted from the light descriptor (it loads no
// adapter); the docs' matrix shows the adapter's `readReplicas`. They must say the same thing.
describe('the readReplicas capability agrees with the config rule', () => {
  for (const engine of ENGINE_NAMES) {
    it(`${engine}: capabilities.readReplicas is ${String(!descriptors[engine].file)}, and the config ${descriptors[engine].file ? 'refuses' : 'accepts'} replicas`, () => {
      expect(adapters[engine].capabilities.readReplicas).to.equal(!descriptors[engine].file);
      const location = descriptors[engine].file ? { database: 'app.db' } : { host: 'primary' };
      let accepted = true;
      try {
        resolveConfig({ default: { engine, ...location, replicas: [{ host: 'replica' }] } });
      } catch {
        accepted = false;
      }
      expect(accepted).to.equal(adapters[engine].capabilities.readReplicas);
    });
  }
});
