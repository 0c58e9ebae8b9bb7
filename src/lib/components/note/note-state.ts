import { memberLane, type LaneKey } from '#lib/domain/lanes.ts';
import type { NoteData } from '#lib/domain/notes.ts';
import type { Visibility } from '#lib/domain/visibility.ts';
import { t } from '#lib/i18n/index.svelte.ts';

/**
 * What a note is, for the words and icon on its card: who sees it.
 * `private`, `shared`, `anonymous`: my own notes; `round`: mine, held back by a
 * silent round (then `reveal` says what it becomes); `others`: someone else's
 * named note; `anonymous-lane`: the anonymous lane (nobody knows whose);
 * `collective`: a note in Samen.
 */
export type NoteState =
	| { readonly kind: 'private' | 'shared' | 'anonymous' | 'anonymous-lane' }
	| { readonly kind: 'round'; readonly reveal: Visibility }
	| { readonly kind: 'others' | 'collective'; readonly author: string | null };

/** `me`: my member id. */
export function noteState(lane: LaneKey, me: string, note: NoteData, authorName: string | null): NoteState {
	if (lane === 'collective') return { kind: 'collective', author: note.createdBy === null ? null : authorName };
	if (lane === 'anonymous') return { kind: 'anonymous-lane' };
	if (lane === 'private') {
		if (note.round) return { kind: 'round', reveal: note.reveal ?? 'shared' };
		return { kind: note.anonymous ? 'anonymous' : 'private' };
	}
	return lane === memberLane(me) ? { kind: 'shared' } : { kind: 'others', author: authorName };
}

/** The icon that goes with a visibility: a lock, people, a mask. */
export const ICON_OF = {
	private: 'lock',
	shared: 'group',
	anonymous: 'mask',
	'anonymous-lane': 'mask',
	others: 'person',
	collective: 'group'
} as const;
export type IconName = (typeof ICON_OF)[keyof typeof ICON_OF] | 'clock';

/** The words for a note's state, shown on the card and read out with it. */
export function stateWords(state: NoteState): string {
	switch (state.kind) {
		case 'round':
			return t('note.state.round', { then: t(`note.state.${state.reveal}`) });
		case 'others':
			return t('note.state.others', { name: state.author ?? t('note.unknownAuthor') });
		case 'collective':
			return state.author === null ? t('note.state.collectiveAnonymous') : t('note.state.collective', { name: state.author });
		default:
			return t(`note.state.${state.kind}`);
	}
}
