import type { Engine } from '../../adapter.js';
import { descriptors } from '../../engine-descriptors.js';
import type { RunQuery, ServerFacts } from '../../server-probe.js';

export type { ConnectionLimit, RunQuery, ServerFacts } from '../../server-probe.js';

/** Reads the version, the connection limit and idle timeout of the server behind `query` (the engine's own probe). */
export function probeServer(engine: Engine, query: RunQuery): Promise<ServerFacts> {
  return descriptors[engine].probeServer(query);
}
