import { APPLIANCE_PROFILES, type ApplianceType } from '../../../../contracts/src';

/** Words too common in root-cause text to name a fault mode. */
const STOP_WORDS = new Set([
  'the',
  'and',
  'for',
  'with',
  'was',
  'were',
  'that',
  'this',
  'from',
  'into',
  'after',
  'before',
  'raises',
  'lengthens',
  'does',
  'not',
  'fault',
  'failure',
  'replaced',
  'replace',
  'worn',
  'wear',
]);

export interface RepairLabel {
  /** The fault mode the repair names; null when neither the parts nor the root cause match one. */
  faultMode: string | null;
  matchedBy: 'part' | 'root_cause' | 'none';
}

/**
 * Which of the appliance type's fault modes a repair confirms: the parts fitted first (a part
 * that only one fault mode replaces names it; one that several replace is settled by the root
 * cause words), else the root cause text against the modes' names and descriptions; else none.
 * `parts` are SKUs (`WM-DRUM-BEARING-KIT`) or profile part names (`drum-bearing-kit`).
 */
export function faultModeOfRepair(
  type: ApplianceType,
  parts: readonly string[],
  rootCause: string,
): RepairLabel {
  const modes = APPLIANCE_PROFILES[type].faultModes;
  const partNames = new Set(parts.map(partNameOf));
  const byPart = modes.filter((m) => partNames.has(m.part.toLowerCase()));
  if (byPart.length === 1) return { faultMode: byPart[0].mode, matchedBy: 'part' };
  const byWords = bestByWords(byPart.length > 1 ? byPart : modes, rootCause);
  if (byWords) return { faultMode: byWords, matchedBy: byPart.length > 1 ? 'part' : 'root_cause' };
  if (byPart.length > 1) return { faultMode: byPart[0].mode, matchedBy: 'part' };
  return { faultMode: null, matchedBy: 'none' };
}

/** `WM-DRUM-BEARING-KIT` → `drum-bearing-kit`; a bare part name is kept (lower case). */
function partNameOf(skuOrPart: string): string {
  const lower = skuOrPart.trim().toLowerCase();
  const prefixed = /^[a-z]{2}-(.+)$/.exec(lower);
  return prefixed ? prefixed[1] : lower;
}

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3 && !STOP_WORDS.has(w));
}

/** The mode sharing the most words with the text; null when none shares one, or two tie. */
function bestByWords(
  modes: ReadonlyArray<{ mode: string; description: string; part: string }>,
  text: string,
): string | null {
  const words = new Set(wordsOf(text).map(stem));
  if (words.size === 0) return null;
  const scored = modes
    .map((m) => {
      const own = new Set(wordsOf(`${m.mode.replaceAll('_', ' ')} ${m.description} ${m.part}`).map(stem));
      return { mode: m.mode, score: [...own].filter((w) => words.has(w)).length };
    })
    .sort((a, b) => b.score - a.score);
  if (scored[0].score === 0 || scored[1]?.score === scored[0].score) return null;
  return scored[0].mode;
}

/** Crude plural/ing folding so "bearings" meets "bearing" and "clogged" meets "clogging". */
function stem(word: string): string {
  return word.replace(/(ing|ged|ed|es|s)$/, '');
}
