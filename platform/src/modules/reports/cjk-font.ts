import fs from 'node:fs';

/** A font with Chinese glyphs for pdfkit: its bytes, and the face to take from a collection. */
export interface CjkFont {
  path: string;
  data: Buffer;
  /** The PostScript name of the face in a `.ttc` collection; undefined for a single-font file. */
  face?: string;
}

/**
 * Where Debian puts fonts with Chinese glyphs (`.ci/run` installs `fonts-wqy-zenhei`), most
 * likely first; collections name the face to use.
 */
export const CJK_FONT_CANDIDATES: ReadonlyArray<{ path: string; face?: string }> = [
  { path: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', face: 'WenQuanYiZenHei' },
  { path: '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc', face: 'WenQuanYiMicroHei' },
  { path: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', face: 'NotoSansCJKsc-Regular' },
  { path: '/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf' },
  { path: '/usr/share/fonts/truetype/arphic/uming.ttc', face: 'AR PL UMing CN' },
];

/** `file.ttc#Face` → path and face. */
export function parseFontSpec(spec: string): { path: string; face?: string } {
  const hash = spec.lastIndexOf('#');
  return hash > 0 ? { path: spec.slice(0, hash), face: spec.slice(hash + 1) } : { path: spec };
}

const loaded = new Map<string, CjkFont | null>();

/**
 * The configured font (`REPORT_CJK_FONT`), else the first candidate on disk; null when none is
 * there. Read once per process: the usual fonts are 10-20 MB.
 */
export function findCjkFont(configured: string | undefined): CjkFont | null {
  const key = configured ?? '';
  const cached = loaded.get(key);
  if (cached !== undefined) return cached;
  const candidates = configured ? [parseFontSpec(configured)] : CJK_FONT_CANDIDATES;
  let found: CjkFont | null = null;
  for (const candidate of candidates) {
    if (!fs.existsSync(candidate.path)) continue;
    found = { ...candidate, data: fs.readFileSync(candidate.path) };
    break;
  }
  loaded.set(key, found);
  return found;
}
