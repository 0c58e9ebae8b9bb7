/**
 * Runs `fn` once in a microtask however often it is asked for in one turn.
 * Yjs and awareness events can fire synchronously inside Svelte's reactive
 * updates (an editor mounting writes its caret); state is updated afterwards.
 */
export function coalesce(fn: () => void): () => void {
	let scheduled = false;
	return () => {
		if (scheduled) return;
		scheduled = true;
		queueMicrotask(() => {
			scheduled = false;
			fn();
		});
	};
}
