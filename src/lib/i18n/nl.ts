import { start } from './nl/start.ts';
import { board } from './nl/board.ts';
import { together } from './nl/together.ts';
import { history } from './nl/history.ts';

/**
 * Dutch: the default language, one file per area of the app (nl/*.ts). Keys are
 * shared with en.ts (checked by tests/unit/i18n.test.ts).
 */
export const nl = { ...start, ...board, ...together, ...history };

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof nl>;
