import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import v8 from 'node:v8';

/** glibc's non-main arenas are mapped at multiples of their largest size (HEAP_MAX_SIZE, 64 MiB). */
const ARENA_ALIGNMENT = 64 * 1024 * 1024;
/** V8's heap pages: anonymous mappings of this size (not an arena, even when so aligned). */
const V8_PAGE_BYTES = 256 * 1024;
const SMAPS = '/proc/self/smaps';

export interface ResidentByKind {
  /** glibc's arenas: the main one ([heap]) and the others' heaps (anonymous, at a 64 MiB boundary). */
  arenasBytes: number;
  /** V8's heap pages (anonymous 256 KiB mappings), every isolate's, also those V8 keeps pooled. */
  v8PagesBytes: number;
}

/**
 * Resident memory by kind, from the text of /proc/<pid>/smaps. What mallinfo2 calls free is
 * resident only where a trim could not give its pages back, and V8's pages outside its heaps'
 * sizes are pooled: this says how much of each is. Approximate (a V8 page may fall on an arena's
 * boundary).
 */
export function residentByKindOf(smaps: string): ResidentByKind {
  const resident = { arenasBytes: 0, v8PagesBytes: 0 };
  let kind: keyof ResidentByKind | undefined;
  let from = 0;
  while (from < smaps.length) {
    let to = smaps.indexOf('\n', from);
    if (to < 0) to = smaps.length;
    const first = smaps.charCodeAt(from);
    // a mapping's line starts with its address in lower-case hex; its fields with a capital
    if ((first >= 48 && first <= 57) || (first >= 97 && first <= 102)) {
      kind = kindOf(smaps.slice(from, to));
    } else if (kind && smaps.startsWith('Rss:', from)) {
      resident[kind] += parseInt(smaps.slice(from + 4, to), 10) * 1024;
    }
    from = to + 1;
  }
  return resident;
}

function kindOf(line: string): keyof ResidentByKind | undefined {
  const mapping = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line);
  if (!mapping) return undefined;
  const start = parseInt(mapping[1], 16);
  const size = parseInt(mapping[2], 16) - start;
  const name = mapping[4].trim();
  const anonymous = name === '' && mapping[3] === 'rw-p';
  if (anonymous && size === V8_PAGE_BYTES) return 'v8PagesBytes';
  if (name === '[heap]' || (anonymous && start % ARENA_ALIGNMENT === 0)) return 'arenasBytes';
  return undefined;
}

/** This process's resident memory by kind now; null where there is no /proc. */
export function residentByKind(): ResidentByKind | null {
  try {
    return residentByKindOf(readFileSync(SMAPS, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * The same, read off the event loop (the kernel's walk of the mappings, ≈ 10 ms for a 400 MB
 * heap, runs on libuv's thread pool; the parse here is a few ms).
 */
export async function readResidentByKind(): Promise<ResidentByKind | null> {
  try {
    return residentByKindOf(await readFile(SMAPS, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * The pages this thread's heap holds of V8's 256 KiB pages: every space's but the large-object
 * spaces', whose objects are mapped on their own.
 */
export function heapPagesCommitted(): number {
  let bytes = 0;
  for (const space of v8.getHeapSpaceStatistics()) {
    if (!space.space_name.includes('large_object_space')) bytes += space.physical_space_size;
  }
  return bytes;
}
