import { getZwerm } from '#server/context.ts';
import { practiceDoc } from '#lib/domain/docnames.ts';
import { readWindows } from '#lib/domain/windows.ts';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ parent, depends }) => {
	// The page asks again every minute, so a window opened or closed elsewhere shows up.
	depends('zwerm:windows');
	const { practice, me } = await parent();
	const members =
		me.role === 'facilitator'
			? (await getZwerm().practices.listMembers(practice.id)).map((m) => ({ id: m.id, name: m.name, role: m.role }))
			: [];
	return {
		members,
		// Collection windows by board, as the practice document has them.
		windows: Object.fromEntries(readWindows(await getZwerm().readDocument(practiceDoc(practice.id))))
	};
};
