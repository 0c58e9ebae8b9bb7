import type { Practices, Session } from '#server/practices.ts';
import type { PracticeRecord } from '#server/records.ts';

export interface PracticeFixture {
	readonly practice: PracticeRecord;
	readonly facilitator: Session;
	readonly participants: Session[];
	readonly observer: Session;
}

/** A practice with a facilitator, `participants` participants and one observer, through the real invite flow. */
export async function setUpPractice(practices: Practices, { participants = 1, name = 'Wijkteam Noord' } = {}): Promise<PracticeFixture> {
	const { practice, facilitator } = await practices.create({ name, facilitatorName: 'Fenna' });
	const joined: Session[] = [];
	for (let i = 0; i < participants; i++) {
		const session = await practices.join(practice.participantInvite, { name: `Deelnemer ${i + 1}` });
		if (!session) throw new Error('participant invite refused');
		joined.push(session);
	}
	const observer = await practices.join(practice.observerInvite, { name: 'Olga' });
	if (!observer) throw new Error('observer invite refused');
	return { practice, facilitator, participants: joined, observer };
}
