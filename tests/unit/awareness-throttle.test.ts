import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import { AwarenessThrottle, crowdInterval } from '#server/awareness-throttle.ts';

/** A Hocuspocus frame: document name, message type, payload. */
function frame(doc: string, type: number, payload: number): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarString(e, doc);
	encoding.writeVarUint(e, type);
	encoding.writeVarUint(e, payload);
	return encoding.toUint8Array(e);
}
const AWARENESS = 1;
const SYNC = 0;
const payloadOf = (f: Uint8Array) => f[f.length - 1];
const until = async (check: () => boolean) => {
	for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('the awareness throttle', () => {
	it('passes everything at once on a quiet board', () => {
		const out: Uint8Array[] = [];
		const throttle = new AwarenessThrottle(() => crowdInterval(3), (f) => out.push(f));
		for (let i = 0; i < 5; i++) throttle.handle(frame('doc', AWARENESS, i));
		throttle.handle(frame('doc', SYNC, 9));
		expect(out.map(payloadOf)).toEqual([0, 1, 2, 3, 4, 9]);
	});

	it('on a crowded board hands on the first pointer, then only the newest, and never holds back anything else', async () => {
		const out: { doc: string; payload: number }[] = [];
		const throttle = new AwarenessThrottle(
			() => crowdInterval(120),
			(f) => out.push({ doc: new TextDecoder().decode(f.subarray(1, 1 + f[0])), payload: payloadOf(f) })
		);
		for (let i = 1; i <= 10; i++) throttle.handle(frame('a', AWARENESS, i));
		throttle.handle(frame('b', AWARENESS, 50));
		throttle.handle(frame('a', SYNC, 99));
		// At once: the first pointer of each document, and the sync message.
		expect(out).toEqual([
			{ doc: 'a', payload: 1 },
			{ doc: 'b', payload: 50 },
			{ doc: 'a', payload: 99 }
		]);
		// After the interval: the newest waiting pointer of 'a' only.
		await until(() => out.length === 4);
		expect(out[3]).toEqual({ doc: 'a', payload: 10 });
		await new Promise((r) => setTimeout(r, 200));
		expect(out).toHaveLength(4);
		throttle.close();
	});

	it('drops what waits when the connection closes, and reads garbage as "not awareness"', async () => {
		const out: Uint8Array[] = [];
		const throttle = new AwarenessThrottle(() => 100, (f) => out.push(f));
		throttle.handle(frame('a', AWARENESS, 1));
		throttle.handle(frame('a', AWARENESS, 2));
		throttle.close();
		throttle.handle(new Uint8Array([255, 255, 255]));
		await new Promise((r) => setTimeout(r, 150));
		expect(out.map((f) => f.length)).toEqual([frame('a', AWARENESS, 1).length, 3]);
	});

	it('waits longer the more people are on the board, up to 4 Hz', () => {
		expect([10, 50, 51, 100, 200, 500, 5000].map(crowdInterval)).toEqual([0, 0, 51, 100, 200, 250, 250]);
	});
});
