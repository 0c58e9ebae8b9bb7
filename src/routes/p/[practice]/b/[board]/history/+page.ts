import { error } from '@sveltejs/kit';
import { findBoard } from '#lib/domain/practice.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, parent }) => {
	const { practice } = await parent();
	const aspect = findBoard(practice.framework, params.board);
	if (!aspect) error(404, { message: 'not-found' });
	return { aspect, boardId: aspect.id };
};
