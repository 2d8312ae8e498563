import type { Survey, SurveyResponseRequest } from '../../../../contracts/src';
import { deriveSeed, mulberry32, type Rng } from '../../../../contracts/src/seeded-random';
import type { Clock } from '../../common/clock/clock';
import type { Logger } from '../../common/logging/logger';
import type { Principal } from '../auth/auth.service';
import type { SurveysService } from '../surveys/surveys.service';

const MIN = 60_000;
const STAFF: Principal = {
  userId: 'customer-simulator',
  role: 'engineer',
  customerId: null,
  technicianId: null,
};
/** One survey in this many is never answered, so that the response rate means something. */
const NEVER_ANSWERS = 5;
/** Simulated minutes between the invitation and the answer: half an hour to a day. */
const ANSWER_AFTER_MIN = { low: 30, high: 24 * 60 };

/**
 * What the demo's customers write. Customer text, not interface text: the analysis reads it in
 * the language it was written in, as it would a real customer's.
 */
const COMMENTS = {
  happy: {
    en: [
      'The technician was on time, friendly and explained what he replaced.',
      'Fixed quickly, works perfectly again. Thank you!',
      'Very professional, cleaned up after the repair.',
      '',
    ],
    'zh-CN': [
      '师傅准时上门，态度很好，讲解清楚。',
      '维修很快，现在一切正常，谢谢！',
      '非常专业，修完还帮忙清理干净。',
      '',
    ],
  },
  mixed: {
    en: [
      'The repair worked but I waited two days for the part.',
      'OK in the end, the appointment was moved once.',
      '',
    ],
    'zh-CN': ['修好了，但是等配件等了两天。', '最后还行，预约改过一次时间。', ''],
  },
  unhappy: {
    en: [
      'The technician was rude and the washer still leaks.',
      'Nobody called me back and the fault came back the next day.',
      'Arrived late and left without testing it. Still not working.',
    ],
    'zh-CN': [
      '师傅态度很差，洗衣机还是漏水。',
      '没人回电话，第二天故障又出现了。',
      '迟到了还没测试就走了，还是不能用。',
    ],
  },
} as const;

export interface SimulatedCustomersOptions {
  /** Simulated time runs this many times faster than the clock (the fleet simulator's SIM_TIME_SCALE). */
  timeScale: number;
  intervalMs?: number;
}

/**
 * The demo's customers for `npm start`: they answer the satisfaction surveys of their repairs
 * through the same service call the portal uses, after a while (in simulated time), most of them
 * pleased, some not (a low score opens a complaint, as a real one would), one in five never. The
 * same survey always gets the same answer.
 */
export class SimulatedCustomers {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly surveys: SurveysService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: SimulatedCustomersOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.step()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ err: error }, 'simulated customers step failed'))
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs ?? 5_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Answers every sent survey whose customer has waited long enough; returns how many. */
  async step(): Promise<number> {
    let answered = 0;
    for (const status of ['sent', 'reminded'] as const) {
      for (const survey of await this.surveys.list({ principal: STAFF }, { status })) {
        const answer = simulatedAnswer(survey.id);
        if (!answer || !survey.customerId || !survey.sentAt) continue;
        const waitedMin = ((this.clock.now() - Date.parse(survey.sentAt)) * this.options.timeScale) / MIN;
        if (waitedMin < answer.afterMin) continue;
        const customer: Principal = {
          userId: `sim-customer-${survey.customerId}`,
          role: 'customer',
          customerId: survey.customerId,
          technicianId: null,
        };
        await this.surveys.respond(survey.id, answer.response, { principal: customer });
        answered++;
      }
    }
    return answered;
  }
}

/** The demo customer's answer to a survey, or undefined when they never answer it. */
export function simulatedAnswer(
  surveyId: Survey['id'],
): { afterMin: number; response: SurveyResponseRequest } | undefined {
  const rng = mulberry32(deriveSeed(0, 'survey-answer', surveyId));
  if (Math.floor(rng() * NEVER_ANSWERS) === 0) return undefined;
  const afterMin = Math.round(ANSWER_AFTER_MIN.low + rng() * (ANSWER_AFTER_MIN.high - ANSWER_AFTER_MIN.low));
  const language = rng() < 0.5 ? 'en' : 'zh-CN';
  const mood = rng();
  const kind = mood < 0.1 ? 'unhappy' : mood < 0.3 ? 'mixed' : 'happy';
  const between = (low: number, high: number) => low + Math.floor(rng() * (high - low + 1));
  const scores: Record<typeof kind, () => number> = {
    happy: () => between(4, 5),
    mixed: () => between(3, 4),
    unhappy: () => between(1, 3),
  };
  const comment = pick(rng, COMMENTS[kind][language]);
  return {
    afterMin,
    response: {
      professionalism: scores[kind](),
      attitude: scores[kind](),
      effect: scores[kind](),
      timeliness: scores[kind](),
      solved: kind !== 'unhappy' || rng() < 0.3,
      ...(comment ? { comment } : {}),
    },
  };
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)];
}
