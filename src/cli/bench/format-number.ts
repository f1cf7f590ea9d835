/** `12,345` for rates and counts (no decimals above 100, one below). */
export function formatRate(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

/** Milliseconds with sensible precision: `0.004`, `0.42`, `5.1`, `52`. */
export function formatMs(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value < 0.1 ? value.toFixed(3) : value < 1 ? value.toFixed(2) : value < 10 ? value.toFixed(1) : Math.round(value).toString();
}

/** A ratio such as `0.98×`. */
export function formatRatio(value: number | null): string {
  return value === null ? '–' : `${value.toFixed(2)}×`;
}
