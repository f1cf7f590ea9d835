/**
 * Freezes plain objects and arrays, recursively (cycles are fine). Anything else — Buffers, class
 * instances, functions handed to a driver — is left alone: freezing a Buffer throws, and a driver
 * may rely on mutating its own objects.
 */
export function deepFreeze<T>(value: T, seen: Set<object> = new Set()): T {
  if (typeof value !== 'object' || value === null || seen.has(value)) return value;
  const proto: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== null && proto !== Object.prototype) return value;
  seen.add(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key], seen);
  return Object.freeze(value);
}
