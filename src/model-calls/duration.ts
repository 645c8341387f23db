const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses an age such as `30d`, `12h`, `90m` or `2w` into milliseconds; undefined when it is not one. */
export function parseAge(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([mhdw])$/i.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNITS[match[2]!.toLowerCase()]!;
  return ms > 0 ? ms : undefined;
}
