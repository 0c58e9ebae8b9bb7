import { error } from '@sveltejs/kit';
import { findBoard, isArchived } from '#lib/domain/practice.ts';
import type { BoardId } from '#lib/domain/ids.ts';
import type { PageLoad } from './$types';

export const load: PageLoad = async ({ params, parent }) => {
	const { practice } = await parent();
	const aspect = findBoard(practice.framework, params.board);
	if (!aspect) error(404, { message: 'not-found' });
	return { aspect, boardId: aspect.id as BoardId, archived: isArchived(practice.framework, aspect.id) };
};
