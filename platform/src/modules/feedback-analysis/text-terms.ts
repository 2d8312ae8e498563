import stopwords from 'stopwords-iso/stopwords-iso.json';
import type { Language } from '../../../../contracts/src';
import { chineseWords } from './chinese-segmenter';
import { normaliseEnglish } from './sentiment-scorer';

const EN_STOP = new Set(stopwords.en);
const ZH_STOP = new Set(stopwords.zh);
const EN_NEGATORS = new Set(['not', 'no', 'never']);
/** Stop words that still carry the point after a negator ("not working", "no good"). */
const EN_KEEP_AFTER_NEGATOR = new Set([
  'working',
  'work',
  'works',
  'good',
  'happy',
  'fixed',
  'solved',
  'cold',
  'hot',
  'open',
  'on',
]);
const ZH_NEGATORS = new Set(['不', '没', '没有', '未', '无']);
const HAN = /\p{Script=Han}/u;

/**
 * The terms (content words) and phrases (two adjacent content words) of a comment, each once,
 * stop words of both languages removed; a negator stays with the word it negates
 * ("not cooling", 不制冷) so that the word cloud does not turn a complaint into praise.
 */
export function termsOf(text: string, language: Language): string[] {
  const units = language === 'zh-CN' ? chineseUnits(text) : englishUnits(text);
  const found = new Set<string>();
  let previous: string | null = null;
  for (const unit of units) {
    if (unit === null) {
      previous = null;
      continue;
    }
    found.add(unit);
    if (previous !== null) found.add(language === 'zh-CN' ? `${previous}${unit}` : `${previous} ${unit}`);
    previous = unit;
  }
  return [...found];
}

/** Content words in order; null where a stop word or punctuation breaks a phrase. */
function englishUnits(text: string): (string | null)[] {
  const tokens = normaliseEnglish(text).split(/[^\p{L}\p{N}]+/u);
  const units: (string | null)[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    const next = tokens[i + 1];
    if (EN_NEGATORS.has(token) && next && (!EN_STOP.has(next) || EN_KEEP_AFTER_NEGATOR.has(next))) {
      units.push(`${token} ${next}`);
      i += 1;
    } else if (token.length > 1 && !EN_STOP.has(token) && !/^\d+$/.test(token)) {
      units.push(token);
    } else {
      units.push(null);
    }
  }
  return units;
}

function chineseUnits(text: string): (string | null)[] {
  const words = chineseWords(text);
  const units: (string | null)[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i];
    const next = words[i + 1];
    if (ZH_NEGATORS.has(word) && next && HAN.test(next) && !ZH_STOP.has(next)) {
      units.push(`${word}${next}`);
      i += 1;
    } else if ([...word].length > 1 && HAN.test(word) && !ZH_STOP.has(word)) {
      units.push(word);
    } else {
      units.push(null);
    }
  }
  return units;
}
