import { describe, expect, it } from '../helpers/fixture.ts';
import type { TestServer } from '../helpers/server.ts';
import type { PracticeFixture } from '../helpers/practice.ts';
import { STORY, writeStory, type StoryDriver } from '../helpers/story.ts';
import { reportFigureData, reportFigures, reportFor } from '#lib/server/report.ts';
import { buildReport, reportMarkdown } from '#server/report.ts';
import type { Report } from '#lib/domain/story.ts';
import type { MemberId, NoteId, PracticeId } from '#lib/domain/ids.ts';

/**
 * The story report over five meetings, written over real websockets: each
 * event in the chapter of the meeting it happened in (also an idea added in
 * meeting 4 and removed in meeting 5, which the net difference of the range
 * never shows), a named and an anonymous bring-in, and the boards that did
 * not change named in one line. And the curious member: two practices that
 * differ only in who wrote the anonymous note get the same report.
 */

it.override('serverOptions', { checkpointEvery: 3 });

function driver(server: TestServer, fx: PracticeFixture, openSynced: (name: string, token: string) => Promise<import('../helpers/clients.ts').TestClient>): StoryDriver {
	const p = fx.practice.id as PracticeId;
	const by = fx.facilitator.member.id as MemberId;
	return {
		open: openSynced,
		startMeeting: async (title) => (await server.zwerm.meetings.startMeeting(p, { title, date: '2026-12-06', agenda: [STORY.board] }, by)).meeting.id,
		endMeeting: async (id) => void (await server.zwerm.meetings.endMeeting(p, id, by)),
		bringInAnonymous: async (anon) => void (await server.zwerm.mirror.bringIn(p, STORY.board, anon as NoteId)),
		settled: () => server.zwerm.durable.batcher.idle()
	};
}

async function story(server: TestServer, practice: (o: { participants: number }) => Promise<PracticeFixture>, openSynced: Parameters<typeof driver>[2], anonymousAuthor: 'anna' | 'bert') {
	server.zwerm.mirror.mirrorDelayMs = 20;
	const fx = await practice({ participants: 2 });
	const [anna, bert] = fx.participants;
	const people = {
		facilitator: { id: fx.facilitator.member.id, token: fx.facilitator.token },
		anna: { id: anna.member.id, token: anna.token },
		bert: { id: bert.member.id, token: bert.token }
	};
	const meetings = await writeStory(fx.practice.id as PracticeId, people, driver(server, fx, openSynced), anonymousAuthor);
	const report = (query: string, language: 'nl' | 'en' = 'nl') => reportFor(server.zwerm, fx.practice, new URL(`http://zwerm.test/?${query}`), language);
	return { fx, meetings, report, names: { anna: anna.member.name, bert: bert.member.name } };
}

/** The Markdown between a chapter's heading and the next chapter's. */
function chapterText(markdown: string, heading: string): string {
	const start = markdown.search(new RegExp(`^## ${heading}`, 'm'));
	expect(start, `chapter ${heading}`).toBeGreaterThanOrEqual(0);
	const rest = markdown.slice(start + 3);
	const end = rest.search(/^## /m);
	return end < 0 ? rest : rest.slice(0, end);
}

const esc = (text: string) => text.replace(/([\\`*_{}[\]()#+\-.!|<>~])/g, '\\$1');

describe('the story report', () => {
	it('tells each event in the chapter of its meeting, keeps the anonymous bring-in anonymous, and names unchanged boards in one line', async ({ server, practice, openSynced }) => {
		const { fx, meetings, report, names } = await story(server, practice, openSynced, 'bert');
		const whole: Report = await report('');
		// Chapters: the five meetings and the time between meetings 3 and 4; nothing happened before, between the others or after.
		expect(whole.chapters.map((c) => c.chapter.title ?? `tussen ${c.chapter.before} en ${c.chapter.after}`)).toEqual([
			...STORY.meetings.slice(0, 3),
			`tussen ${STORY.meetings[2]} en ${STORY.meetings[3]}`,
			...STORY.meetings.slice(3)
		]);
		const chapter = (title: string) => whole.chapters.find((c) => c.chapter.title === title)!.boards.find((b) => b.id === STORY.board)!;
		const [one, two, three, four, five] = STORY.meetings.map(chapter);
		expect(one.added.map((n) => n.text).sort()).toEqual([STORY.second, STORY.first].sort());
		expect(two).toMatchObject({ added: [], removed: [], broughtIn: [] });
		expect(two.rewritten).toHaveLength(1);
		expect(two.rewritten[0]).toMatchObject({ before: STORY.first, after: STORY.rewritten });
		expect(two.rewritten[0].diff.some((d) => d.added && d.value.includes('hele'))).toBe(true);
		expect(three.broughtIn).toEqual([{ into: expect.objectContaining({ text: STORY.annaNote }), from: { kind: 'member', name: names.anna }, text: STORY.annaNote }]);
		expect(whole.chapters[3].boards[0].added.map((n) => n.text)).toEqual([STORY.between]);
		expect(four.added.map((n) => n.text)).toEqual([STORY.idea]);
		expect(four.removed).toEqual([]);
		expect(five.removed.map((n) => n.text)).toEqual([STORY.idea]);
		// Bringing in: Bert's named note, then the anonymous one, which names nobody.
		expect(five.broughtIn.map((b) => [b.text, b.from])).toEqual([
			[STORY.bertNote, { kind: 'member', name: names.bert }],
			[STORY.anonymous, { kind: 'anonymous' }]
		]);
		// The idea lived in meeting 4 only: not in the lane at the end, nor in the net difference.
		const summary = whole.summary.find((b) => b.id === STORY.board)!;
		expect(summary.counts).toEqual({ added: 7, rewritten: 1, removed: 1, broughtIn: 3, votes: 0 });
		expect(summary.collective.map((n) => n.text)).not.toContain(STORY.idea);
		// Every other board is named in one line, not printed.
		expect(whole.summary.map((b) => b.id)).toEqual([STORY.board]);
		expect(whole.unchanged.length).toBeGreaterThan(3);

		// The Markdown has the same chapters with the same events.
		const md = reportMarkdown(whole);
		expect(md).toMatch(/^\*\*Intentie\*\*: 7 nieuwe notities, 1 herschreven, 1 verwijderd; 3 ingebracht uit individuele lanes\\\./m);
		expect(md.match(/^_Geen wijzigingen in: .+\\\._$/gm)).toHaveLength(1);
		expect(md).toContain(esc(`Geen wijzigingen in: ${whole.unchanged.join(', ')}.`));
		expect(md).not.toMatch(/^### Context$/m);
		expect(chapterText(md, STORY.meetings[0])).toContain(esc(STORY.first));
		expect(chapterText(md, STORY.meetings[1])).toContain('**hele**');
		expect(chapterText(md, STORY.meetings[1])).not.toContain(esc(STORY.second));
		expect(chapterText(md, STORY.meetings[2])).toContain(`“${esc(STORY.annaNote)}” van ${esc(names.anna)}`);
		expect(chapterText(md, `Tussen ${STORY.meetings[2]} en ${STORY.meetings[3]}`)).toContain(esc(STORY.between));
		expect(chapterText(md, STORY.meetings[3])).toContain(esc(STORY.idea));
		expect(chapterText(md, STORY.meetings[3])).not.toContain('Verwijderd');
		const fifth = chapterText(md, STORY.meetings[4]);
		expect(fifth).toContain(`~~${esc(STORY.idea)}~~`);
		expect(fifth).toContain(`“${esc(STORY.anonymous)}” van anoniem`);
		const broughtIn = fifth.slice(fifth.indexOf('**Ingebracht**'));
		expect(broughtIn.indexOf(esc(STORY.bertNote))).toBeLessThan(broughtIn.indexOf(esc(STORY.anonymous)));

		// With the group's figures and the coverage map (as the download has them): right after the summary,
		// of the report's board only, the coverage table counting the notes changed per meeting.
		const ofBoard = await report(`board=${STORY.board}`);
		const withFigures = reportMarkdown(ofBoard, await reportFigures(server.zwerm, fx.practice, ofBoard));
		const figuresAt = withFigures.search(/^## Het werk in beeld$/m);
		expect(figuresAt).toBeGreaterThan(withFigures.search(/^## Samenvatting$/m));
		expect(figuresAt).toBeLessThan(withFigures.search(new RegExp(`^## ${STORY.meetings[0]}`, 'm')));
		const coverage = withFigures.slice(withFigures.search(/^### Dekking van het kader$/m));
		expect(coverage).toMatch(/^\| Aspect \| B1 \| B2 \| B3 \| .*B4 \| B5 \|/m);
		const row = coverage.split('\n').find((l) => l.startsWith('| Intentie |'))!;
		expect(row.split('|').slice(2, -1).map((c) => Number(c.trim()))).toEqual(expect.arrayContaining([2, 1]));
		expect(coverage).not.toMatch(/^\| Context \|/m);
		expect(withFigures).not.toMatch(/jij|jouw/i);

		// One meeting: only its chapter. Meetings 4 and 5: the idea added in one, removed in the other.
		const fourth = await report(`meeting=${meetings[3]}`);
		expect(fourth.chapters.map((c) => c.chapter.title)).toEqual([STORY.meetings[3]]);
		const lastTwo = await report(`meeting=${meetings[3]}&meeting=${meetings[4]}&board=${STORY.board}`);
		expect(lastTwo.chapters.map((c) => c.chapter.title)).toEqual(STORY.meetings.slice(3));
		expect(lastTwo.chapters[0].boards[0].added.map((n) => n.text)).toEqual([STORY.idea]);
		expect(lastTwo.chapters[1].boards[0].removed.map((n) => n.text)).toEqual([STORY.idea]);
		expect(lastTwo.unchanged).toEqual([]);
		// The figures of a report of meetings 2–3 (the page's data and the Markdown): those two meetings only, no column or name of another.
		const middle = await report(`meeting=${meetings[1]}&meeting=${meetings[2]}&board=${STORY.board}`);
		const middleData = (await reportFigureData(server.zwerm, fx.practice, middle))!;
		expect(middleData.chapters.map((c) => c.title)).toEqual(STORY.meetings.slice(1, 3));
		expect(middleData.boards.map((b) => b.board)).toEqual([STORY.board]);
		const middleMd = reportMarkdown(middle, await reportFigures(server.zwerm, fx.practice, middle));
		const middleFigures = middleMd.slice(middleMd.search(/^## Het werk in beeld$/m), middleMd.search(new RegExp(`^## ${STORY.meetings[1]}`, 'm')));
		const lines = middleFigures.split('\n');
		const heads = lines.filter((_, i) => lines[i + 1]?.startsWith('|---|'));
		expect(heads).toEqual(Array(4).fill(expect.stringMatching(/ \| B2 \| B3 \|$/)));
		expect(middleFigures).not.toMatch(/\bB[145]\b|daarna|tot nu/);
		for (const other of [STORY.meetings[0], ...STORY.meetings.slice(3)]) expect(middleMd).not.toContain(other);
		expect(middleFigures).toMatch(/^\| Intentie \| 1 \| 2 \|$/m);
		// Meetings 4–5: the note added before meeting 4 is outside the range, so not in its figures (the whole practice has it in B4).
		const lastTwoMd = await reportFigures(server.zwerm, fx.practice, lastTwo);
		expect(lastTwoMd).toMatch(/^\| Aspect \| B4 \| B5 \|$/m);
		expect(lastTwoMd.slice(lastTwoMd.search(/^### Dekking/m))).toMatch(/^\| Intentie \| 1 \| 5 \|$/m);
		expect(lastTwoMd).toMatch(/^\| tussen bijeenkomsten \| 0 \| 0 \|$/m);
		expect(withFigures).toMatch(/^\| tussen bijeenkomsten \| 0 \| 0 \| 0 \| 1 \| 0 \|$/m);

		// One unchanged board asked for on its own: named as unchanged, no chapter of it.
		const context = await report('board=context');
		expect(context.summary).toEqual([]);
		expect(context.unchanged).toEqual(['Context']);
		await expect(report('board=nosuchboard')).rejects.toMatchObject({ status: 404 });

		// In the reader's language; the meeting titles as they were typed.
		const english = reportMarkdown(await report(`board=${STORY.board}`, 'en'));
		expect(english).toMatch(/^## Summary$/m);
		expect(english).toMatch(/^\*\*Intention\*\*: 7 new notes, 1 rewritten, 1 removed; 3 brought in from individual lanes\\\./m);
		expect(english).toMatch(new RegExp(`^## ${STORY.meetings[3]} · `, 'm'));
		expect(chapterText(english, STORY.meetings[4])).toContain(`“${esc(STORY.anonymous)}” from anonymous`);

		// A vote held in meeting 5 (a timeline mark of kind 'vote'): in that chapter only, its notes ranked with their totals.
		const marks = await server.zwerm.meetings.listMarks(fx.practice.id);
		const end5 = marks.find((m) => m.kind === 'meeting-end' && m.meetingId === meetings[4])!;
		const voted = whole.summary[0].collective.find((n) => n.text === STORY.bertNote)!;
		const withVote = await buildReport({ reader: server.zwerm.reader, log: server.zwerm.storage.log }, fx.practice, whole.from, whole.to, {
			language: 'nl',
			marks,
			votes: [{ boardId: STORY.board, seq: end5.seq, at: end5.at, ranked: [{ noteId: voted.id, votes: 4 }] }]
		});
		const votes = withVote.chapters.map((c) => c.boards.flatMap((b) => b.votes));
		expect(votes.slice(0, -1).flat()).toEqual([]);
		expect(votes.at(-1)).toEqual([{ at: end5.at, ranked: [{ note: { id: voted.id, text: STORY.bertNote }, votes: 4 }] }]);
		expect(chapterText(reportMarkdown(withVote), STORY.meetings[4])).toContain(`1\\. 4 stippen: “${esc(STORY.bertNote)}”`);
		expect(reportMarkdown(whole)).not.toContain('Stemmingen');
	});

	it('is the same whoever wrote the anonymous note (the curious member)', async ({ server, practice, openSynced }) => {
		const a = await story(server, practice, openSynced, 'anna');
		const b = await story(server, practice, openSynced, 'bert');
		const [ra, rb] = await Promise.all([a.report(''), b.report('')]);
		// Everything a member reads, with the practice's own ids and times taken out.
		const comparable = (r: Report) =>
			JSON.stringify({ summary: r.summary.map((s) => ({ ...s, collective: s.collective.map((n) => n.text) })), unchanged: r.unchanged, chapters: r.chapters.map((c) => ({ title: c.chapter.title, boards: c.boards })) }).replace(
				/"id":"[^"]+"/g,
				'"id":"…"'
			);
		expect(comparable(ra)).toEqual(comparable(rb));
		const md = (r: Report) => reportMarkdown(r).split('\n').slice(3).join('\n');
		expect(md(ra)).toEqual(md(rb));
		// The report's figures too (the page's data and the Markdown), for the whole practice and for meetings 4–5.
		for (const query of ['', `meeting=${a.meetings[3]}&meeting=${a.meetings[4]}`]) {
			const other = query.replace(a.meetings[3], b.meetings[3]).replace(a.meetings[4], b.meetings[4]);
			const [fa, fb] = await Promise.all([a.report(query), b.report(other)]);
			const [da, db] = await Promise.all([reportFigureData(server.zwerm, a.fx.practice, fa), reportFigureData(server.zwerm, b.fx.practice, fb)]);
			// The meetings' figures (both practices share one log: the time after the last meeting differs in length only).
			const meetingsOf = (f: NonNullable<typeof da>) => {
				const kept = f.chapters.flatMap((c, i) => (c.meetingId ? [i] : []));
				return { chapters: kept.map((i) => [f.chapters[i].index, f.chapters[i].title]), boards: f.boards.map((x) => ({ ...x, chapters: kept.map((i) => x.chapters[i]) })) };
			};
			expect(meetingsOf(da!)).toEqual(meetingsOf(db!));
			expect(await reportFigures(server.zwerm, a.fx.practice, fa)).toEqual(await reportFigures(server.zwerm, b.fx.practice, fb));
			expect(JSON.stringify(da)).not.toMatch(new RegExp(`${a.names.anna}|${a.names.bert}|"mine"`));
		}
		// And the anonymous bring-in's line names nobody.
		const line = reportMarkdown(rb).split('\n').find((l) => l.includes(esc(STORY.anonymous)) && l.includes('anoniem'))!;
		expect(line).not.toContain(b.names.bert);
		expect(line).not.toContain(b.names.anna);
	});
});
