import type { Extension, beforeHandleAwarenessPayload, onAuthenticatePayload } from '@hocuspocus/server';
import { isRandomId, type MemberId, type PracticeId } from '#lib/domain/ids.ts';
import { parseDocName } from '#lib/domain/docnames.ts';
import { boardsOf, canWrite, findBoard, isArchived, type Role } from '#lib/domain/practice.ts';
import { parseSpotlight, parseView } from '#lib/domain/presence.ts';
import type { Practices } from '../practices.ts';
import type { Screens } from '../screens.ts';
import { CloseError } from '../close-reasons.ts';
import { COLLECTIVE_W, MAX_Y, REGION_HEADER } from '#lib/domain/board-space.ts';

export interface ConnectionContext {
	/** The member, or for a room's screen the screen's own id (never a member's). */
	readonly memberId: MemberId;
	readonly practiceId: PracticeId;
	/** `screen`: the room's screen (server/screens.ts), which reads what the group sees and writes nothing. */
	readonly role: Role | 'screen';
	readonly name: string;
	/** A screen's: the facilitator who paired it (closing them closes it too). */
	readonly pairedBy?: MemberId;
	/** The practice's boards (practice document only): what a view or a spotlight may name. */
	readonly boards?: readonly string[];
}

/** The token a screen's page sends: "sign in with the screen cookie, and only with it". */
export const SCREEN_TOKEN = 'screen';

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/**
 * A pointer is shown to everyone, so it may only point into lanes everyone
 * sees: never into a private lane (where it would show what someone is doing
 * right before an anonymous note changes).
 */
function publicPointer(pointer: unknown): { lane: string; x: number; y: number } | null {
	const p = pointer as { lane?: unknown; x?: unknown; y?: unknown } | null | undefined;
	if (!p || typeof p.lane !== 'string' || typeof p.x !== 'number' || typeof p.y !== 'number') return null;
	if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) return null;
	if (p.lane !== 'collective' && p.lane !== 'anonymous' && !isRandomId(p.lane)) return null;
	// Board units in the lane's region (src/lib/domain/board-space.ts): no wider than the collective lane, no deeper than notes go.
	return { lane: p.lane, x: Math.round(Math.min(COLLECTIVE_W, Math.max(0, p.x))), y: Math.round(Math.min(MAX_Y, Math.max(-REGION_HEADER, p.y))) };
}

/**
 * Decides, per document and member, whether a connection may read and
 * whether it may write (see docs/ARCHITECTURE.md, "Who may open what").
 * Identity comes from the session cookie or a session token, never from the
 * client's own claims: awareness is rewritten with the name the server knows.
 */
export class Access implements Extension {
	readonly extensionName = 'zwerm-access';

	private readonly practices: Practices;
	private readonly screens: Screens | null;

	constructor(practices: Practices, screens: Screens | null = null) {
		this.practices = practices;
		this.screens = screens;
	}

	/**
	 * Who connects: a member by session token or cookie; else a room's screen by
	 * its session token. A screen's page says so (SCREEN_TOKEN) and is then the
	 * screen and nobody else, also in a browser where a member is signed in.
	 */
	private async caller(practiceId: PracticeId, token: string, cookie: string | null): Promise<ConnectionContext | null> {
		const screenPage = token === SCREEN_TOKEN;
		const member = screenPage ? null : await this.practices.authenticate(practiceId, token, cookie);
		if (member) return { memberId: member.id, practiceId: member.practiceId, role: member.role, name: member.name };
		const screen = screenPage ? await this.screens?.authenticate(practiceId, null, cookie) : await this.screens?.session(practiceId, token);
		return screen ? { memberId: screen.id, practiceId: screen.practiceId, role: 'screen', name: '', pairedBy: screen.pairedBy } : null;
	}

	async onAuthenticate({
		documentName,
		token,
		requestHeaders,
		connectionConfig
	}: onAuthenticatePayload): Promise<ConnectionContext> {
		const name = parseDocName(documentName);
		if (!name) throw new CloseError('NotFound', 'unknown document');
		const member = await this.caller(name.practiceId, token, requestHeaders.get('cookie'));
		if (!member) throw new CloseError('Unauthorized');
		const practice = await this.practices.get(name.practiceId);
		if (!practice) throw new CloseError('NotFound');

		let writable = false;
		// A screen reads what the group sees (below: never a private document) and writes nothing.
		const writer = member.role !== 'screen' && canWrite(member.role);
		if (name.kind === 'practice') {
			writable = false;
		} else {
			if (!findBoard(practice.framework, name.boardId)) throw new CloseError('NotFound', 'unknown board');
			if (name.kind === 'collective') {
				writable = writer;
			} else if (name.kind === 'anonymous') {
				writable = false; // only the server writes anonymous notes
			} else {
				const owner = await this.practices.member(name.memberId);
				// A member's lane stays readable once they had one, also when they became an
				// observer or were removed: what they shared stays part of the group's work.
				if (!owner || owner.practiceId !== name.practiceId || !owner.hadLane) throw new CloseError('NotFound', 'unknown lane');
				// Private notes: their author and no one else, facilitators included.
				if (name.kind === 'private' && owner.id !== member.memberId) throw new CloseError('Forbidden');
				writable = owner.id === member.memberId && writer;
			}
		}
		// An archived board (its aspect removed from the framework) stays readable and is written by nobody.
		connectionConfig.readOnly = !writable || (name.kind !== 'practice' && isArchived(practice.framework, name.boardId));
		const boards = name.kind === 'practice' ? boardsOf(practice.framework).map((a) => a.id as string) : undefined;
		return { ...member, ...(boards ? { boards } : {}) };
	}

	/** Per document: which member each awareness client id belongs to (the first to announce it). */
	private readonly awarenessOwners = new WeakMap<object, Map<number, string>>();

	async beforeHandleAwareness({ context, states, document, connection }: beforeHandleAwarenessPayload): Promise<void> {
		// Another instance's message (Redis): rewritten on the instance its client is connected to.
		if (!connection) return;
		const ctx = context as ConnectionContext | undefined;
		// A connection that is no member speaks for nobody; nor does the room's screen,
		// which is nobody's presence, pointer or view (it only watches others').
		if (!ctx?.memberId || ctx.role === 'screen') {
			states.clear();
			return;
		}
		// Providers relay the states of others too (echoes), and a hostile client
		// could send a state for someone else's client id. A member speaks only for
		// client ids that are theirs: others' states in the message are dropped.
		let owners = this.awarenessOwners.get(document);
		if (!owners) this.awarenessOwners.set(document, (owners = new Map()));
		for (const clientId of [...states.keys()]) {
			const owner = owners.get(clientId);
			if (owner === undefined) owners.set(clientId, ctx.memberId);
			else if (owner !== ctx.memberId) states.delete(clientId);
			// A client whose state was dropped when its connection closed may announce the
			// same state (same clock) after reconnecting; forget the old clock so the
			// server keeps it for whoever joins later. (Connected peers still hold the
			// newer clock of the removal: the board page re-announces with a new clock.)
			else if (!document.awareness.states.has(clientId)) document.awareness.meta.delete(clientId);
		}
		for (const state of states.values()) {
			const claimed = state.user as { color?: unknown } | undefined;
			const color = typeof claimed?.color === 'string' && HEX_COLOR.test(claimed.color) ? claimed.color : '#5b5bd6';
			state.user = { memberId: ctx.memberId, name: ctx.name, color };
			state.pointer = publicPointer(state.pointer);
			// Views and the spotlight travel on the practice document only (src/lib/domain/presence.ts):
			// a view on a board of this practice, a spotlight on a note the group sees, from a facilitator.
			const boards = ctx.boards;
			const isBoard = (id: string) => boards?.includes(id) ?? false;
			state.view = boards ? parseView(state.view, isBoard) : null;
			state.spotlight = boards && ctx.role === 'facilitator' ? parseSpotlight(state.spotlight, isBoard) : null;
		}
	}
}
