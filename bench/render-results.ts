/**
 * Re-renders `bench/results/latest.md` and the charts from the committed `latest.json`, without
 * measuring anything: for a change to how results are presented (tables, charts, links).
 *
 *   tsx bench/render-results.ts && npm run docs:gen
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchReport } from '../src/cli/bench/bench-result.js';
import { writeResults } from './write-results.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
const report = JSON.parse(readFileSync(join(dir, 'latest.json'), 'utf8')) as BenchReport;
const written = writeResults(dir, report);
console.log(`bench: re-rendered ${written.join(', ')} from latest.json (measured ${report.date})`);
