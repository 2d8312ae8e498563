import Sentiment from 'sentiment';
import type { Language, SentimentResult } from '../../../../contracts/src';
import { EN_CARE_PHRASES, EN_CARE_WORDS } from './sentiment-lexicon.en';
import { ZH_DEGREE, ZH_NEGATORS, ZH_PHRASES, ZH_WORDS } from './sentiment-lexicon.zh';
import { chineseWords } from './chinese-segmenter';

/** A text scoring at or beyond ± this (after normalisation to -1..1) is positive / negative. */
export const SENTIMENT_THRESHOLD = 0.05;
/** VADER's normalisation constant: raw valence sums map to -1..1 as s / √(s² + α). */
const NORMALISE_ALPHA = 15;

const HAN = /\p{Script=Han}/gu;

/** Chinese when at least a fifth of the letters are Han characters, else English. */
export function detectLanguage(text: string): Language {
  const han = text.match(HAN)?.length ?? 0;
  const latin = text.match(/[A-Za-z]/g)?.length ?? 0;
  return han > 0 && han * 5 >= latin ? 'zh-CN' : 'en';
}

export function normaliseValence(raw: number): number {
  return raw === 0 ? 0 : raw / Math.sqrt(raw * raw + NORMALISE_ALPHA);
}

export function labelOf(score: number): SentimentResult['label'] {
  if (score >= SENTIMENT_THRESHOLD) return 'positive';
  if (score <= -SENTIMENT_THRESHOLD) return 'negative';
  return 'neutral';
}

const EN_NEGATORS = new Set(['not', 'no', 'never', 'nothing', 'nobody', 'cannot', 'without', 'hardly']);
const EN_LANGUAGE = 'en-care';

/**
 * English: AFINN-165 through the `sentiment` package, its labels extended with the care
 * vocabulary and its negation widened to the two tokens before a word ("not very helpful").
 */
function englishAnalyzer(): Sentiment {
  const analyzer = new Sentiment();
  // The package's own English labels, reached through its public language registry.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const afinn = require('sentiment/languages/en/labels.json') as Record<string, number>;
  analyzer.registerLanguage(EN_LANGUAGE, {
    labels: { ...afinn, ...EN_CARE_WORDS },
    scoringStrategy: {
      apply: (tokens, cursor, tokenScore) => {
        const before = tokens.slice(Math.max(0, cursor - 2), cursor);
        return before.some((t) => EN_NEGATORS.has(t)) ? -tokenScore : tokenScore;
      },
    },
  });
  return analyzer;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const EN_PHRASE_PATTERNS = EN_CARE_PHRASES.map(([phrase, valence]) => ({
  pattern: new RegExp(`\\b${escapeRegExp(phrase)}\\b`, 'g'),
  valence,
}));

/** Lower case, contractions spelled out (`doesn't` → `does not`), apostrophes gone. */
export function normaliseEnglish(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/\bcan't\b/g, 'can not')
    .replace(/\bwon't\b/g, 'will not')
    .replace(/n't\b/g, ' not')
    .replace(/'/g, ' ')
    .replace(/-/g, ' ');
}

/** Scores English and Simplified-Chinese text with packaged lexicons only (nothing downloaded). */
export class SentimentScorer {
  private english: Sentiment | undefined;

  score(text: string, language?: Language): SentimentResult {
    const lang = language ?? detectLanguage(text);
    const raw = lang === 'zh-CN' ? this.chineseValence(text) : this.englishValence(text);
    const score = Math.round(normaliseValence(raw) * 1000) / 1000;
    return { score, label: labelOf(score), language: lang };
  }

  private englishValence(text: string): number {
    let rest = ` ${normaliseEnglish(text)} `;
    let raw = 0;
    for (const { pattern, valence } of EN_PHRASE_PATTERNS) {
      rest = rest.replace(pattern, () => {
        raw += valence;
        return ' , ';
      });
    }
    this.english ??= englishAnalyzer();
    return raw + this.english.analyze(rest, { language: EN_LANGUAGE }).score;
  }

  private chineseValence(text: string): number {
    let rest = text;
    let raw = 0;
    for (const [phrase, valence] of ZH_PHRASES) {
      if (!rest.includes(phrase)) continue;
      rest = rest.split(phrase).join('，');
      raw += valence * (text.split(phrase).length - 1);
    }
    const words = chineseWords(rest);
    for (let i = 0; i < words.length; i += 1) {
      const valence = ZH_WORDS[words[i]];
      if (valence === undefined) continue;
      let weight = 1;
      let negated = false;
      for (let j = Math.max(0, i - 2); j < i; j += 1) {
        if (ZH_NEGATORS.has(words[j])) negated = !negated;
        weight *= ZH_DEGREE[words[j]] ?? 1;
      }
      raw += (negated ? -valence : valence) * weight;
    }
    return raw;
  }
}
