import type { styleText } from 'node:util';
import type { Severity } from '../model.ts';

/** How each severity word is coloured on a terminal, the same in every report. */
export const SEVERITY_STYLE: Readonly<Record<Severity, Parameters<typeof styleText>[0]>> = {
  CRITICAL: ['bold', 'red'],
  HIGH: 'red',
  MEDIUM: 'yellow',
  LOW: 'cyan',
  NONE: 'gray',
  UNKNOWN: 'gray',
};
