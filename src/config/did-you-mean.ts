/**
 * "Did you mean …?" for a misspelt option, engine or enum value. Tried in order:
 * the same word in another case; a known synonym (the name another pool uses, e.g. pg.Pool's
 * `connectionTimeoutMillis`); the same word once `_`, `-` and a `Millis` suffix are normalised
 * away; the closest candidate by edit distance (at most a third of the word); and finally a
 * candidate that is a prefix of the input (`maxConnections` → `max`) or that the input is a
 * prefix of (`acquire` → `acquireTimeoutMs`).
 *
 * @example didYouMean('maxConnections', ['min', 'max']) // 'max'
 */
export function didYouMean(input: string, candidates: readonly string[], synonyms: Readonly<Record<string, string>> = {}): string | undefined {
  if (candidates.length === 0) return undefined;
  const lower = input.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;

  for (const [synonym, target] of Object.entries(synonyms)) {
    if (synonym.toLowerCase() === lower && candidates.includes(target)) return target;
  }

  const normalised = normalise(input);
  const sameNormalised = candidates.find((c) => normalise(c) === normalised);
  if (sameNormalised !== undefined) return sameNormalised;

  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(input.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined) return best;

  const prefixes = candidates.filter((c) => c.length >= 3 && lower.startsWith(c.toLowerCase()));
  if (prefixes.length > 0) return prefixes.reduce((a, b) => (b.length > a.length ? b : a));
  const extensions = candidates.filter((c) => lower.length >= 4 && c.toLowerCase().startsWith(lower));
  return extensions.length === 1 ? extensions[0] : undefined;
}

/**
 * Optimal-string-alignment distance: insertions, deletions, substitutions and transpositions of
 * neighbours each cost 1 (`hots` → `host` is 1).
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, at(i - 2, j - 2) + 1);
      d[i * cols + j] = value;
    }
  }
  return at(a.length, b.length);
}

function normalise(word: string): string {
  return word.toLowerCase().replace(/[-_\s]/g, '').replace(/milli(second)?s$/, 'ms');
}
