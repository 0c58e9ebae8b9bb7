import { describe, expect, it } from '../helpers/fixture.ts';
import { createPracticeViaApi, joinedMember } from '../helpers/app.ts';
import { practiceDoc } from '#lib/domain/docnames.ts';
import { readActivities, runningPresentation } from '#lib/domain/activities.ts';
import type { PracticeId } from '#lib/domain/ids.ts';

/**
 * Bring everyone here (the `presentation` activity): facilitators only start
 * and end it, through the activities' route family; the practice document
 * names the presenter; one runs per practice, and ending it from any board
 * ends it.
 */
describe('a presentation over HTTP (the built app)', () => {

	it('starts and ends by facilitators only, names the presenter, and runs once per practice', async ({ app, connect }) => {
		const practice = await createPracticeViaApi(app, { name: 'Presenteren', facilitatorName: 'Fenna' });
		const piet = await joinedMember(app, practice.links.participant, 'Piet');
		const olga = await joinedMember(app, practice.links.observer, 'Olga');
		const call = (headers: Record<string, string>) => (method: string, board: string, body?: unknown) =>
			fetch(`${app.url}/api/practices/${practice.id}/boards/${board}/activities/presentation`, {
				method,
				headers: { ...headers, origin: app.url, 'content-type': 'application/json' },
				body: body === undefined ? undefined : JSON.stringify(body)
			});
		const fenna = call({ authorization: `Bearer ${practice.facilitator.token}` });
		const participant = call({ cookie: piet.cookie });
		const observer = call({ cookie: olga.cookie });

		const watching = connect(`${app.url.replace('http', 'ws')}/collab`, practiceDoc(practice.id as PracticeId), piet.token);
		await expect.poll(() => watching.provider.isSynced, { message: 'practice document synced' }).toBe(true);
		const running = () => runningPresentation(readActivities(watching.doc));

		for (const as of [participant, observer]) {
			const res = await as('POST', 'intentie', {});
			expect(res.status).toBe(403);
			expect((await as('DELETE', 'intentie')).status).toBe(403);
		}
		expect((await fenna('POST', 'intentie', { presenter: 'iemand anders' })).status).toBe(400);
		expect((await fenna('POST', 'onbekend', {})).status).toBe(404);
		expect(running()).toBeNull();

		const started = await fenna('POST', 'intentie', {});
		expect(started.status).toBe(201);
		expect(await started.json()).toMatchObject({ boardId: 'intentie', presenter: practice.facilitator.id, endedAt: null });
		await expect.poll(() => running(), { message: 'the presentation in the practice document' }).toMatchObject({
			kind: 'presentation',
			boardId: 'intentie',
			presenter: practice.facilitator.id,
			endedAt: null
		});

		// Started again on another board: that one runs, the first has ended.
		expect((await fenna('POST', 'doelen', {})).status).toBe(201);
		await expect.poll(() => running()?.boardId, { message: 'the second start' }).toBe('doelen');
		expect(readActivities(watching.doc).filter((a) => a.kind === 'presentation' && a.endedAt === null)).toHaveLength(1);

		// Ended from the board the presenter moved on to (not where it started).
		expect((await fenna('DELETE', 'intentie')).status).toBe(204);
		await expect.poll(() => running(), { message: 'ended' }).toBeNull();
	});
});
