import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '../helpers/fixture.ts';
import type { Locator, Page } from 'playwright-core';
import { createPracticeViaApi } from '../helpers/app.ts';
import { signIn } from '../helpers/browser.ts';
import { addNoteTo, joinWith, violations } from '../helpers/board.ts';
import { collectiveDoc } from '#lib/domain/docnames.ts';
import { createNote, noteContent, setPlainText } from '#lib/domain/notes.ts';
import type { BoardId, MemberId, NoteId, PracticeId } from '#lib/domain/ids.ts';

/**
 * The timeline in the browser: two meetings started and ended from the
 * overview, notes written through the board and a script; then scrub to a
 * meeting's end, step, play to the end, open a link to a moment, compare the
 * two meetings, export the report (print page and Markdown), and bring back
 * the first meeting's collective lane as a new change.
 */
const board = 'intentie' as BoardId;
const QUESTION = 'Wat is de bedoeling van de lerende praktijk?';

/** The timeline's board (the first on the page; the comparison has its own). */
const replay = (page: Page) => page.locator('.replay-board').first();
const texts = (notes: Locator) => notes.allInnerTexts().then((all) => all.map((t) => t.trim()));
const collectiveTexts = (page: Page) => texts(replay(page).locator('section[data-lane-key="collective"] article.note .note-text'));
const allTexts = (page: Page) => texts(replay(page).locator('article.note .note-text'));
const scrubber = (page: Page) => page.getByRole('slider', { name: 'Moment in de tijdlijn' });

async function writeNote(page: Page, lane: Locator, text: string) {
	await addNoteTo(lane, text);
}

describe('the timeline, end to end in Chromium', () => {
	it('scrubs, steps, plays, links to a moment, compares two meetings, exports the report and restores', async ({ app, connect, newPage }) => {
		const practice = await createPracticeViaApi(app, { name: 'Tijdlijnpraktijk', facilitatorName: 'Fenna' });
		const p = practice.id as PracticeId;
		const fennaId = practice.facilitator.id as MemberId;
		const api = `${app.url}/api/practices/${p}`;
		const auth = { authorization: `Bearer ${practice.facilitator.token}` };
		/** Every note text of the board as the log has it now. */
		const loggedTexts = async () => {
			const { head } = await fetch(`${api}/boards/${board}/history`, { headers: auth }).then((r) => r.json());
			const view = await fetch(`${api}/boards/${board}/history/view?seq=${head}`, { headers: auth }).then((r) => r.json());
			return (view.notes as { text: string }[]).map((n) => n.text).sort();
		};

		const fenna = await newPage();
		await signIn(fenna.page, practice);
		await fenna.page.waitForURL(/\/p\/[^/]+$/);
		const overview = fenna.page.url();
		const piet = await joinWith(newPage, practice.links.participant, 'Piet');

		// Meeting 1, started from the overview.
		await fenna.page.getByLabel('Titel').fill('Eerste bijeenkomst');
		await fenna.page.getByRole('checkbox', { name: 'Intentie' }).check();
		await fenna.page.getByRole('button', { name: 'Bijeenkomst starten' }).click();
		await expect.poll(() => fenna.page.locator('.meetings li.running').innerText()).toContain('Eerste bijeenkomst');

		// Notes through the board: a collective note by Fenna, an individual one by Piet…
		await fenna.page.goto(`${overview}/b/${board}`);
		await writeNote(fenna.page, fenna.page.locator('section[data-lane-key="collective"]'), 'Samen beginnen we klein');
		await piet.page.goto(`${overview}/b/${board}`);
		await writeNote(piet.page, piet.page.locator('section.lane.mine'), 'Piet denkt na over de wijk');
		// …and one by a script with Fenna's token.
		const collective = connect(`${app.url.replace('http', 'ws')}/collab`, collectiveDoc(p, board), practice.facilitator.token);
		await expect.poll(() => collective.provider.isSynced).toBe(true);
		const listening = createNote(collective.doc, { createdBy: fennaId, at: Date.now(), x: 0.5, y: 0.1, text: 'Wij luisteren naar de wijk' });
		await collective.saved();
		const meeting1 = ['Piet denkt na over de wijk', 'Samen beginnen we klein', 'Wij luisteren naar de wijk'];
		await expect.poll(loggedTexts).toEqual(meeting1);

		await fenna.page.goto(overview);
		await fenna.page.getByRole('button', { name: 'Bijeenkomst beëindigen' }).click();
		await expect.poll(() => fenna.page.locator('.meetings li', { hasText: 'Eerste bijeenkomst' }).innerText()).toContain('afgelopen');

		// Meeting 2: a new collective note (one change), an edit of an existing one, and Piet writes again.
		await fenna.page.getByLabel('Titel').fill('Tweede bijeenkomst');
		await fenna.page.getByRole('button', { name: 'Bijeenkomst starten' }).click();
		await expect.poll(() => fenna.page.locator('.meetings li.running').innerText()).toContain('Tweede bijeenkomst');
		createNote(collective.doc, { createdBy: fennaId, at: Date.now(), x: 0, y: 0.6, text: 'Vertrouwen groeit tussen ons' });
		await collective.saved();
		setPlainText(noteContent(collective.doc, listening as NoteId), 'Wij luisteren echt naar de hele wijk');
		await collective.saved();
		await writeNote(piet.page, piet.page.locator('section.lane.mine'), 'Piet leert van de buren');
		const final = ['Piet denkt na over de wijk', 'Piet leert van de buren', 'Samen beginnen we klein', 'Vertrouwen groeit tussen ons', 'Wij luisteren echt naar de hele wijk'];
		await expect.poll(loggedTexts).toEqual(final);
		await fenna.page.getByRole('button', { name: 'Bijeenkomst beëindigen' }).click();
		await expect.poll(() => fenna.page.locator('.meetings li', { hasText: 'Tweede bijeenkomst' }).innerText()).toContain('afgelopen');

		// The timeline, from the board's link. Scrub to the end of meeting 1: exactly its notes.
		await fenna.page.goto(`${overview}/b/${board}`);
		await fenna.page.getByRole('link', { name: 'Tijdlijn', exact: true }).click();
		await fenna.page.waitForURL(/\/history/);
		await expect.poll(() => allTexts(fenna.page).then((t) => t.sort())).toEqual(final);
		await fenna.page.getByRole('button', { name: /^Einde van Eerste bijeenkomst/ }).click();
		await expect.poll(() => allTexts(fenna.page).then((t) => t.sort())).toEqual(meeting1);
		await expect.poll(() => fenna.page.url()).toMatch(/\?at=\d+$/);
		const atMeeting1 = fenna.page.url();
		const position1 = Number(await scrubber(fenna.page).inputValue());
		// The position counts edits (one person, one note, until a pause), and says which meeting, when, who and what.
		expect(await scrubber(fenna.page).getAttribute('aria-valuetext')).toMatch(/^Bewerking \d+ van \d+ — Bijeenkomst 1 · \d\d:\d\d · (Fenna|Piet) (schreef|herschreef) ‘/);
		expect(position1).toBeLessThan(10);

		// One edit forward: the new collective note of meeting 2, by Fenna.
		await fenna.page.getByRole('button', { name: 'Bewerking verder' }).click();
		await expect.poll(() => collectiveTexts(fenna.page).then((t) => t.sort())).toEqual([
			'Samen beginnen we klein',
			'Vertrouwen groeit tussen ons',
			'Wij luisteren naar de wijk'
		]);
		expect(Number(await scrubber(fenna.page).inputValue())).toBe(position1 + 1);
		expect(await scrubber(fenna.page).getAttribute('aria-valuetext')).toContain(`Bewerking ${position1 + 1} van`);
		expect(await scrubber(fenna.page).getAttribute('aria-valuetext')).toContain('Fenna schreef ‘Vertrouwen groeit tussen ons’');
		await expect.poll(() => fenna.page.getByTestId('timeline-moment').innerText()).toMatch(/^Bijeenkomst 2 · \d\d:\d\d · Fenna schreef ‘Vertrouwen groeit tussen ons’$/);
		await expect.poll(() => fenna.page.locator('[aria-live="polite"]').last().innerText()).toContain(`Bewerking ${position1 + 1}`);

		// Scrubbing by keyboard, fast: the board follows without a request per change.
		const viewRequests: string[] = [];
		fenna.page.on('request', (r) => r.url().includes('/history/view') && viewRequests.push(r.url()));
		await scrubber(fenna.page).focus();
		await fenna.page.keyboard.press('Home');
		for (let i = 0; i < position1; i++) await fenna.page.keyboard.press('ArrowRight');
		await expect.poll(() => allTexts(fenna.page).then((t) => t.sort())).toEqual(meeting1);
		expect(Number(await scrubber(fenna.page).inputValue())).toBe(position1);
		expect(viewRequests.length).toBeLessThan(Math.max(10, position1 / 3));

		// Play from the beginning at 60× real time: playback stops at the end of meeting 1 and says so.
		await fenna.page.keyboard.press('Home');
		await fenna.page.getByLabel('Snelheid').selectOption({ label: '60× zo snel' });
		await fenna.page.getByRole('button', { name: /Afspelen/ }).click();
		await expect.poll(() => fenna.page.locator('p.stopped').innerText()).toBe('Gestopt bij Einde van Eerste bijeenkomst');
		expect(Number(await scrubber(fenna.page).inputValue())).toBe(position1);
		await expect.poll(() => allTexts(fenna.page).then((t) => t.sort())).toEqual(meeting1);
		expect(await fenna.page.getByTestId('timeline-moment').innerText()).toMatch(/^Bijeenkomst 1 · /);
		await expect.poll(() => fenna.page.locator('[aria-live="polite"]').last().innerText()).toMatch(/^Gestopt bij Einde van Eerste bijeenkomst: Bewerking \d+ van \d+ — Bijeenkomst 1 · /);
		// Stopped, with the activity chart drawn: axe finds nothing.
		expect(await violations(fenna.page), 'timeline stopped at a meeting').toEqual([]);
		// Played on, it runs to the end (the end of meeting 2) and shows the final notes.
		await fenna.page.getByRole('button', { name: /Afspelen/ }).click();
		const max = await scrubber(fenna.page).getAttribute('max');
		await expect.poll(() => scrubber(fenna.page).inputValue()).toBe(max);
		await expect.poll(() => allTexts(fenna.page).then((t) => t.sort())).toEqual(final);
		await expect.poll(() => fenna.page.getByRole('button', { name: /Afspelen/ }).count()).toBe(1);
		expect(await fenna.page.getByTestId('timeline-moment').innerText()).toMatch(/^Bijeenkomst 2 · \d\d:\d\d · Piet schreef ‘Piet leert van de buren’$/);
		// The activity chart under the scrubber says what it shows.
		expect(await fenna.page.getByRole('img', { name: /^Bewerkingen door de tijd: \d+ bewerkingen met een tijd/ }).count()).toBe(1);

		// Stepping brings the note the edit changed into view: Piet's lane lies below the fold.
		const pietsNote = replay(fenna.page).locator('article.note', { hasText: 'Piet leert van de buren' });
		const inView = () => pietsNote.evaluate((el) => {
			const r = el.getBoundingClientRect();
			return r.bottom > 0 && r.top < innerHeight;
		});
		await fenna.page.evaluate(() => scrollTo(0, 0));
		expect(await inView()).toBe(false);
		await fenna.page.getByRole('button', { name: 'Bewerking terug' }).click();
		await expect.poll(() => scrubber(fenna.page).inputValue()).toBe(String(Number(max) - 1));
		await expect.poll(() => pietsNote.count()).toBe(0);
		await fenna.page.evaluate(() => scrollTo(0, 0));
		await fenna.page.getByRole('button', { name: 'Bewerking verder' }).click();
		await expect.poll(inView).toBe(true);

		// A link to a moment opens that moment.
		const linked = await fenna.context.newPage();
		await linked.goto(atMeeting1);
		await expect.poll(() => allTexts(linked).then((t) => t.sort())).toEqual(meeting1);
		expect(await scrubber(linked).inputValue()).toBe(String(position1));
		await linked.close();

		// Compare meeting 1 with meeting 2: the defaults are the last two meeting ends.
		await fenna.page.getByRole('button', { name: 'Vergelijken' }).click();
		const added = fenna.page.locator('section.added');
		await expect.poll(() => added.innerText()).toContain('Vertrouwen groeit tussen ons');
		expect(await added.innerText()).toContain('Piet leert van de buren');
		expect(await added.innerText()).not.toContain('Samen beginnen we klein');
		const changed = fenna.page.locator('section.changed');
		expect(await changed.locator('ins').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('echt'), expect.stringContaining('hele')]));
		await fenna.page.getByLabel('Samen naast elkaar tonen').check();
		await expect.poll(() => fenna.page.locator('.compare-panel .replay-board').count()).toBe(2);

		// The report of meeting 2: the print page has the questions as headings and the collective lane.
		await fenna.page.goto(overview);
		await fenna.page.getByRole('link', { name: 'Verslag van Tweede bijeenkomst', exact: true }).click();
		await fenna.page.waitForURL(/\/report\?meeting=/);
		// A chapter for the meeting; the collective lane at its end under the board's questions.
		await expect.poll(() => fenna.page.locator('section.chapter > h2').allInnerTexts()).toEqual([expect.stringContaining('Tweede bijeenkomst')]);
		const intentie = fenna.page.locator('section.end section.board', { has: fenna.page.getByRole('heading', { level: 3, name: 'Intentie' }) });
		expect(await intentie.locator('ul.questions').innerText()).toContain(QUESTION);
		for (const text of ['Samen beginnen we klein', 'Vertrouwen groeit tussen ons', 'Wij luisteren echt naar de hele wijk']) {
			expect(await intentie.locator('ul.notes').innerText()).toContain(text);
		}
		expect(await intentie.locator('ul.notes').innerText()).not.toContain('Piet denkt na');
		// The Markdown link downloads the same report.
		await fenna.page.goto(overview);
		const [download] = await Promise.all([
			fenna.page.waitForEvent('download'),
			fenna.page.getByRole('link', { name: 'Verslag van Tweede bijeenkomst als Markdown' }).click()
		]);
		const markdown = await readFile((await download.path())!, 'utf8');
		expect(markdown).toMatch(/^## Tweede bijeenkomst/m);
		expect(markdown).toMatch(/^### Intentie$/m);
		expect(markdown).toContain(`- _${QUESTION}`);
		expect(markdown).toContain('Vertrouwen groeit tussen ons');
		expect(markdown).toContain('Wij luisteren echt naar de hele wijk');

		// A participant sees the timeline but cannot bring a moment back.
		await piet.page.goto(`${overview}/b/${board}/history`);
		await expect.poll(() => allTexts(piet.page).then((t) => t.sort())).toEqual(final);
		expect(await piet.page.getByRole('button', { name: 'Dit moment terugzetten' }).count()).toBe(0);

		// Restore meeting 1: a new change, with its mark on the timeline; the live board shows it.
		await fenna.page.goto(atMeeting1);
		await expect.poll(() => allTexts(fenna.page).then((t) => t.sort())).toEqual(meeting1);
		await fenna.page.getByRole('button', { name: 'Dit moment terugzetten' }).click();
		const dialog = fenna.page.getByRole('dialog');
		expect(await dialog.getByLabel('Naam op de tijdlijn').inputValue()).toBe('Terug naar Einde van Eerste bijeenkomst');
		await dialog.getByRole('button', { name: 'Terugzetten' }).click();
		await expect.poll(() => fenna.page.getByRole('button', { name: /^Teruggezet: Terug naar Einde van Eerste bijeenkomst/ }).count()).toBe(1);
		await expect.poll(() => scrubber(fenna.page).inputValue()).toBe(String(Number(max) + 1));
		await expect.poll(() => collectiveTexts(fenna.page).then((t) => t.sort())).toEqual(['Samen beginnen we klein', 'Wij luisteren naar de wijk']);
		// Individual lanes are their authors': Piet's later note stays.
		expect(await allTexts(fenna.page)).toContain('Piet leert van de buren');
		expect(await scrubber(fenna.page).getAttribute('aria-valuetext')).toContain('Fenna');

		await fenna.page.goto(`${overview}/b/${board}`);
		const live = fenna.page.locator('section[data-lane-key="collective"] article.note');
		await expect.poll(() => live.allInnerTexts().then((t) => t.join('\n'))).toContain('Wij luisteren naar de wijk');
		await expect.poll(() => live.count()).toBe(2);
		expect((await live.allInnerTexts()).join('\n')).not.toContain('Vertrouwen groeit');

		// Piet's timeline, still open at its end, follows the live board: the restore shows up there by itself.
		await expect
			.poll(() => collectiveTexts(piet.page).then((t) => t.sort()), { timeout: 25000 })
			.toEqual(['Samen beginnen we klein', 'Wij luisteren naar de wijk']);

		expect(fenna.errors).toEqual([]);
		expect(piet.errors).toEqual([]);
		await fenna.context.close();
		await piet.context.close();
	});
});
