import { Injectable } from '@nestjs/common';
import type { Language, SentimentResult } from '../../../../contracts/src';
import { SentimentPort } from '../../common/care/aftercare-ports';
import { SentimentScorer } from './sentiment-scorer';

/** `SentimentPort`: the surveys and complaints features store the score of their texts with it. */
@Injectable()
export class SentimentService extends SentimentPort {
  private readonly scorer = new SentimentScorer();

  score(text: string, language?: Language): SentimentResult {
    return this.scorer.score(text, language);
  }
}
