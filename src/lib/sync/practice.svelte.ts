import type { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import { practiceDoc } from '#lib/domain/docnames.ts';
import type { PracticeId } from '#lib/domain/ids.ts';
import { readPractice, type MemberInfo, type PracticeInfo } from '#lib/domain/practice.ts';
import { activityOn, type ActivityKind, type ActivityOf } from '#lib/domain/activities.ts';
import { openDocument, type OpenOptions } from './socket.ts';
import { coalesce } from './coalesce.ts';

/** The live practice document: its members appear as they join. */
export class PracticeState {
	info = $state<PracticeInfo>({ name: '', framework: null, members: [], activities: [], invitesRenewedAt: null });
	readonly provider: HocuspocusProvider;

	constructor(
		socket: HocuspocusProviderWebsocket,
		practiceId: PracticeId,
		initialMembers: readonly MemberInfo[] = [],
		options: Pick<OpenOptions, 'screen'> = {}
	) {
		// With awareness: presence (views, the spotlight, following) travels on it (presence.svelte.ts).
		this.provider = openDocument(socket, practiceDoc(practiceId), options);
		const doc = this.provider.document;
		doc.on('update', coalesce(() => (this.info = readPractice(doc))));
		// Until the document has synced, the member list the page was served with.
		this.info = { ...readPractice(doc), members: initialMembers };
	}

	/** The latest activity of a kind on a board (a silent round, a collection window); null until the document has synced. */
	activity<K extends ActivityKind>(kind: K, boardId: string): ActivityOf<K> | null {
		return activityOn(this.info.activities, kind, boardId);
	}

	memberName(id: string | null): string | null {
		return this.info.members.find((m) => m.id === id)?.name ?? null;
	}

	destroy(): void {
		this.provider.destroy();
	}
}
