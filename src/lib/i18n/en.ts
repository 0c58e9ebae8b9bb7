import type { Messages } from './nl.ts';
import { start } from './en/start.ts';
import { board } from './en/board.ts';
import { together } from './en/together.ts';
import { history } from './en/history.ts';

/** English, one file per area as in Dutch (en/*.ts); each area has exactly the Dutch one's keys. */
export const en: Messages = { ...start, ...board, ...together, ...history };
