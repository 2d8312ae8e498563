import { performance } from 'node:perf_hooks';
import type { Language } from '../../contracts/src';
import { EVALUATION_SETS } from '../../platform/src/modules/feedback-analysis/sentiment-evaluation';
import { SentimentScorer } from '../../platform/src/modules/feedback-analysis/sentiment-scorer';
import { log, percentile, round } from './bench-support';

/**
 * Sentiment scoring speed, per language: the main labelled set's comments (the length of real
 * survey comments and complaints) scored `rounds` times by one scorer, as the surveys and
 * complaints features call it when they store a text (synchronously, on the platform's thread).
 * The first call (lexicons and jieba's dictionary loaded) is reported apart.
 */
export function benchSentiment(language: Language, rounds: number): Record<string, unknown> {
  const texts = EVALUATION_SETS.find((s) => s.set === 'main' && s.language === language)?.texts ?? [];
  const scorer = new SentimentScorer();
  const first = performance.now();
  scorer.score(texts[0].text, language);
  const firstMs = performance.now() - first;
  log(`sentiment-${language}: ${texts.length} texts × ${rounds}`);
  const perText: number[] = [];
  const started = performance.now();
  for (let r = 0; r < rounds; r++)
    for (const t of texts) {
      const t0 = performance.now();
      scorer.score(t.text, language);
      perText.push(performance.now() - t0);
    }
  const seconds = (performance.now() - started) / 1000;
  const chars = texts.reduce((sum, t) => sum + t.text.length, 0) / texts.length;
  return {
    name: `sentiment-${language}`,
    texts: perText.length,
    meanChars: round(chars),
    textsPerS: round(perText.length / seconds),
    p50Us: round(percentile(perText, 50) * 1000),
    p99Us: round(percentile(perText, 99) * 1000),
    firstCallMs: round(firstMs),
  };
}
