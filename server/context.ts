import type { Zwerm } from './zwerm.ts';

/**
 * The running collaboration server, for SvelteKit's endpoints. The process
 * entry (or the dev plugin) creates it; SvelteKit's bundle has its own copy
 * of this module, so the instance lives on globalThis.
 */
const KEY = Symbol.for('zwerm.instance');
type Holder = { [KEY]?: Zwerm };

export function setZwerm(zwerm: Zwerm): void {
	(globalThis as Holder)[KEY] = zwerm;
}

export function getZwerm(): Zwerm {
	const zwerm = (globalThis as Holder)[KEY];
	if (!zwerm) throw new Error('Zwerm server not started: run through `npm start` or `npm run dev`');
	return zwerm;
}
