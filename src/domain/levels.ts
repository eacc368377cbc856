export const LEVELS = ['NORMAL', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type Level = (typeof LEVELS)[number];

export function isLevel(value: string): value is Level {
  return (LEVELS as readonly string[]).includes(value);
}

/** Severity rank: higher is worse. */
export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

export function worstLevel(levels: Iterable<Level>): Level {
  let worst: Level = 'NORMAL';
  for (const level of levels) if (levelRank(level) > levelRank(worst)) worst = level;
  return worst;
}
