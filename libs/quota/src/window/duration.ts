const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)/y;

/**
 * A rolling window's length, parse-duration style: one or more `<number><unit>` parts
 * (`30s`, `5m`, `1h`, `2h30m`, `1.5h`, `1d`, `1w`; units ms, s, m, h, d, w), summed.
 * Null when the text isn't one, or is zero.
 */
export function parseDuration(text: string): number | null {
  const input = text.trim().toLowerCase();
  if (input === '') return null;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < input.length) {
    const match = PART.exec(input);
    if (!match) return null;
    total += Number(match[1]) * UNIT_MS[match[2]];
    while (input[PART.lastIndex] === ' ') PART.lastIndex++;
  }
  return total > 0 && Number.isFinite(total) ? Math.round(total) : null;
}
