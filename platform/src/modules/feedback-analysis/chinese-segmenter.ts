import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict';

/**
 * Chinese word segmentation with jieba-rs (`@node-rs/jieba`: a prebuilt N-API binary per
 * platform, its dictionary inside the package). The dictionary takes a few hundred milliseconds
 * to load, so it loads once, on first use.
 */
let jieba: Jieba | undefined;

/** The words of a Chinese text (punctuation and spaces included, as jieba cuts them). */
export function chineseWords(text: string): string[] {
  jieba ??= Jieba.withDict(dict);
  return jieba.cut(text, true);
}
