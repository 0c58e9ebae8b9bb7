import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** Only facilitators change a practice's framework (the endpoint checks it too). */
export const load: PageServerLoad = async ({ parent }) => {
	const { me } = await parent();
	if (me.role !== 'facilitator') error(403, { message: 'Only facilitators can change the framework.' });
	return {};
};
