import Sentiment from 'sentiment';
import {
  labelOf,
  normaliseValence,
  SentimentScorer,
} from '../platform/src/modules/feedback-analysis/sentiment-scorer';
import {
  EVALUATION_SETS,
  evaluateSentiment,
  type SentimentEvaluation,
} from '../platform/src/modules/feedback-analysis/sentiment-evaluation';

/**
 * `npm run eval:sentiment [-- --json]`: accuracy and per-class recall of the feedback sentiment
 * scorer on the hand-labelled sets in platform/src/modules/feedback-analysis/eval/, per set and
 * language, next to plain AFINN-165 (the `sentiment` package without the care lexicon) for English.
 */
function main(argv: string[]): void {
  const scorer = new SentimentScorer();
  const afinn = new Sentiment();
  const results: (SentimentEvaluation & { scorer: string })[] = [];
  for (const { set, language, texts } of EVALUATION_SETS) {
    results.push({
      scorer: 'care',
      ...evaluateSentiment(set, language, texts, (t) => scorer.score(t, language).label),
    });
    if (language === 'en') {
      const plain = (t: string) => labelOf(normaliseValence(afinn.analyze(t).score));
      results.push({ scorer: 'afinn-only', ...evaluateSentiment(set, language, texts, plain) });
    }
  }
  if (argv.includes('--json')) {
    for (const r of results) process.stdout.write(`${JSON.stringify(r)}\n`);
    return;
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(8);
  process.stdout.write(
    'set      language  scorer      texts  accuracy  positive   neutral  negative  (recall)\n',
  );
  for (const r of results) {
    process.stdout.write(
      `${r.set.padEnd(8)} ${r.language.padEnd(9)} ${r.scorer.padEnd(10)} ${String(r.texts).padStart(6)}  ${pct(r.accuracy)}  ${pct(r.recall.positive)}  ${pct(r.recall.neutral)}  ${pct(r.recall.negative)}\n`,
    );
  }
}

main(process.argv.slice(2));
