import { Injectable } from '@nestjs/common';
import { sampleCorrelation, sampleRankCorrelation } from 'simple-statistics';
import type { ApplianceType, FeedbackAnalysis, Language } from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import { SentimentPort } from '../../common/care/aftercare-ports';
import {
  FeedbackAnalysisRepository,
  type FeedbackTextRow,
  type SurveyScoresRow,
} from './feedback-analysis.repository';
import { feedbackError } from './feedback-analysis.errors';
import { detectLanguage, labelOf } from './sentiment-scorer';
import { termsOf } from './text-terms';

/** Without `from`, the analysis covers the year before `to` (or now). */
const DEFAULT_WINDOW_MS = 365 * 24 * 3600 * 1000;
/** Terms and phrases kept per appliance type, month and language (a word cloud's worth). */
export const TERMS_PER_GROUP = 30;
const DIMENSIONS = ['professionalism', 'attitude', 'effect', 'timeliness'] as const;

export interface FeedbackAnalysisQuery {
  from?: string;
  to?: string;
  type?: ApplianceType;
}

/**
 * The feedback analysis: sentiment of every survey comment and complaint, the recurring terms
 * per appliance type and month (word-cloud input), and how each survey dimension moves with
 * the overall score.
 */
@Injectable()
export class FeedbackAnalysisService {
  constructor(
    private readonly repository: FeedbackAnalysisRepository,
    private readonly sentiment: SentimentPort,
    private readonly clock: Clock,
  ) {}

  async analyse(query: FeedbackAnalysisQuery): Promise<FeedbackAnalysis> {
    const toMs = query.to ? Date.parse(query.to) : this.clock.now() + 1;
    const fromMs = query.from ? Date.parse(query.from) : toMs - DEFAULT_WINDOW_MS;
    if (fromMs >= toMs)
      throw feedbackError('feedback.range_invalid', '`from` must be before `to`', { field: 'from' });
    const window = { fromMs, toMs, type: query.type };
    const [complaints, comments, scores] = await Promise.all([
      this.repository.complaintTexts(window),
      this.repository.surveyComments(window),
      this.repository.surveyScores(window),
    ]);
    const texts = [...comments, ...complaints];
    return {
      texts: texts.length,
      sentiment: this.distribution(texts),
      terms: this.terms(texts),
      correlations: correlations(scores),
    };
  }

  /** Stored scores where the feature stored one; the text scored now otherwise. */
  private distribution(texts: FeedbackTextRow[]): FeedbackAnalysis['sentiment'] {
    const counts = { positive: 0, neutral: 0, negative: 0 };
    let sum = 0;
    for (const t of texts) {
      const score = t.sentiment ?? this.sentiment.score(t.text, languageOf(t)).score;
      counts[labelOf(score)] += 1;
      sum += score;
    }
    return { ...counts, mean: texts.length === 0 ? null : round(sum / texts.length) };
  }

  private terms(texts: FeedbackTextRow[]): FeedbackAnalysis['terms'] {
    const groups = new Map<
      string,
      { type: ApplianceType | null; month: string; language: Language; counts: Map<string, number> }
    >();
    for (const t of texts) {
      const language = languageOf(t);
      const month = new Date(t.at).toISOString().slice(0, 7);
      const type = (t.type as ApplianceType | null) ?? null;
      const key = `${type ?? ''}|${month}|${language}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { type, month, language, counts: new Map() }));
      for (const term of termsOf(t.text, language)) group.counts.set(term, (group.counts.get(term) ?? 0) + 1);
    }
    return [...groups.values()]
      .sort(
        (a, b) =>
          a.month.localeCompare(b.month) ||
          (a.type ?? '').localeCompare(b.type ?? '') ||
          a.language.localeCompare(b.language),
      )
      .map((g) => ({
        type: g.type,
        month: g.month,
        language: g.language,
        items: [...g.counts.entries()]
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .slice(0, TERMS_PER_GROUP)
          .map(([term, count]) => ({ term, count })),
      }));
  }
}

/**
 * The language the text is written in: a complaint's `language` is its customer's, and a
 * Chinese-speaking customer may still write in English, so the script decides.
 */
function languageOf(t: FeedbackTextRow): Language {
  return detectLanguage(t.text);
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/**
 * Pearson and Spearman correlation of each dimension with the overall score, over the answers
 * that carry an overall score; null below three answers or when either side never varies.
 */
export function correlations(scores: readonly SurveyScoresRow[]): FeedbackAnalysis['correlations'] {
  const rated = scores.filter((s): s is SurveyScoresRow & { overall: number } => s.overall !== null);
  const overall = rated.map((s) => s.overall);
  return DIMENSIONS.map((dimension) => {
    const values = rated.map((s) => s[dimension]);
    const defined = rated.length >= 3 && varies(values) && varies(overall);
    return {
      dimension,
      pearson: defined ? round(sampleCorrelation(values, overall)) : null,
      spearman: defined ? round(sampleRankCorrelation(values, overall)) : null,
      n: rated.length,
    };
  });
}

const varies = (xs: readonly number[]) => xs.some((x) => x !== xs[0]);
