import type { Jieba } from '@node-rs/jieba';

/**
 * Chinese word segmentation with jieba-rs (`@node-rs/jieba`: a prebuilt N-API binary per
 * platform, its dictionary inside the package). The dictionary takes a few hundred milliseconds
 * to load, so it loads once, on first use; so does the package, whose `dict` module reads the
 * dictionary and its IDF table (11 MB of buffers) the moment it is imported.
 */
let jieba: Jieba | undefined;

function loadJieba(): Jieba {
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use, not at start */
  const { Jieba: JiebaClass } = require('@node-rs/jieba') as typeof import('@node-rs/jieba');
  const { dict } = require('@node-rs/jieba/dict') as typeof import('@node-rs/jieba/dict');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return JiebaClass.withDict(dict);
}

/** The words of a Chinese text (punctuation and spaces included, as jieba cuts them). */
export function chineseWords(text: string): string[] {
  jieba ??= loadJieba();
  return jieba.cut(text, true);
}
