/** Plain-text layouts shared by the human renderings. */
export function keyValues(rows: ReadonlyArray<readonly [string, string | number | undefined]>): string {
  const present = rows.filter(([, value]) => value !== undefined && value !== '');
  const width = Math.max(0, ...present.map(([key]) => key.length));
  return present.map(([key, value]) => `${`${key}:`.padEnd(width + 2)}${value}`).join('\n');
}

export function table(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** "in 54 min", "3 h ago": how far a time is from now, for people. */
export function relativeTime(epochSeconds: number, nowMs: number = Date.now()): string {
  const deltaSeconds = Math.round(epochSeconds - nowMs / 1000);
  const magnitude = Math.abs(deltaSeconds);
  const amount =
    magnitude < 60
      ? `${magnitude} s`
      : magnitude < 3600
        ? `${Math.round(magnitude / 60)} min`
        : magnitude < 172800
          ? `${Math.round(magnitude / 3600)} h`
          : `${Math.round(magnitude / 86400)} days`;
  // Now counts as past: a token minted this second was issued "0 s ago", not "in 0 s".
  return deltaSeconds > 0 ? `in ${amount}` : `${amount} ago`;
}
