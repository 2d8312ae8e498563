import v8 from 'node:v8';
import vm from 'node:vm';

// Node only (not in index.ts: the dashboards' bundle never sees it).

/**
 * Whether this V8 keeps the pages a major GC freed pooled, resident, until a last-resort GC of the
 * same isolate (13 and later: Node 24); Node 20's V8 (11) gives them back by itself. Each thread's
 * isolate has its own: a worker's pooled pages go back only with a collection in that worker.
 */
export function v8PoolsFreedPages(version = process.versions.v8): boolean {
  return Number.parseInt(version, 10) >= 13;
}

/** V8 13 (Node 24) takes a collection's flavour; 11 (Node 20) collects nothing when given one. */
const TAKES_FLAVOUR = v8PoolsFreedPages();

let contextGc: ((options?: object) => void) | undefined;

/**
 * A last-resort (memory-reducing, compacting) collection of this thread's heap on Node 24; a full
 * collection on Node 20, whose V8 gives freed pages back by itself. Without `--expose-gc` on the
 * command line: the flag set at run time exposes `gc` to contexts made after it, and a new
 * context's `gc` collects this thread's whole heap (a worker's too).
 */
export function lastResortGc(): void {
  if (!contextGc) {
    v8.setFlagsFromString('--expose-gc');
    contextGc = vm.runInNewContext('gc') as (options?: object) => void;
  }
  if (TAKES_FLAVOUR) contextGc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  else contextGc();
}
