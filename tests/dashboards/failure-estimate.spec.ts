// A prediction's failure estimate in words, in English and Chinese, against the reader's now: the
// expected time ("in about 3h"), its interval ("between 1h and 2d from now"), and the alarm's
// estimate read from its details. (The customer's sentence is a .tsx file: the browser tests.)
import type { PredictionEstimate, Ticket } from '../../contracts/src';
import { predictionEstimateOf } from '../../contracts/src/prediction-estimate';
import { predictionAlarmOf } from '../../dashboards/src/components/prediction-alarm';
import { failureEstimate } from '../../dashboards/src/engineer/ticket-words';
import {
  formatFailureEstimate,
  formatFailureExpected,
  formatFailureWindow,
} from '../../dashboards/src/i18n/format-failure';
import { i18n } from '../../dashboards/src/i18n/translate';

const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);
const HOUR = 3_600_000;

const estimate = (overrides: Partial<PredictionEstimate> = {}): PredictionEstimate => ({
  hoursToFailure: 3,
  expectedFailureAt: T0 + 3 * HOUR,
  expectedFailureEarliestAt: T0 + HOUR,
  expectedFailureLatestAt: T0 + 48 * HOUR,
  assessedAt: T0,
  intervalBasis: 'validation_ttf_mae',
  ...overrides,
});

const ticket = (overrides: Partial<Ticket> = {}): Ticket =>
  ({
    id: 't-1',
    deviceId: 'wm-1',
    alarmId: 'a-1',
    source: 'prediction',
    faultMode: 'bearing_wear',
    hoursToFailure: 72,
    createdAt: T0 - 24 * HOUR,
    status: 'new',
    ...overrides,
  }) as Ticket;

describe('a failure estimate in English', () => {
  beforeAll(() => i18n.changeLanguage('en'));

  it('says when, against now, and moves as now moves', () => {
    expect(formatFailureExpected(T0 + 3 * HOUR, T0)).toBe('Failure expected in about 3h');
    expect(formatFailureExpected(T0 + 3 * HOUR, T0 + 2 * HOUR)).toBe('Failure expected in about 1h');
    expect(formatFailureExpected(T0 + 3 * HOUR, T0 + 4 * HOUR)).toMatch(
      /^Failure expected by now \(estimated for /,
    );
  });

  it('says the interval, and what is left of it', () => {
    expect(formatFailureWindow(estimate(), T0)).toBe('between 1h and 2d from now');
    expect(formatFailureWindow(estimate(), T0 + 2 * HOUR)).toBe('any time in the next 2d');
    expect(formatFailureWindow(estimate(), T0 + 49 * HOUR)).toBeNull();
    expect(formatFailureEstimate(estimate(), T0)).toBe(
      'Failure expected in about 3h (between 1h and 2d from now)',
    );
  });

  it("prefers the prediction's latest estimate to the ticket's hours at opening", () => {
    expect(failureEstimate(ticket(), T0, estimate())).toBe('Failure expected in about 3h');
    expect(failureEstimate(ticket(), T0)).toBe('Failure expected in about 2d');
  });
});

describe('a failure estimate in Chinese', () => {
  beforeAll(() => i18n.changeLanguage('zh-CN'));
  afterAll(() => i18n.changeLanguage('en'));

  it('says when and the interval in Chinese', () => {
    expect(formatFailureExpected(T0 + 3 * HOUR, T0)).toBe('预计约 3小时 后发生故障');
    expect(formatFailureWindow(estimate(), T0)).toBe('距现在 1小时 至 2天 之间');
    expect(formatFailureEstimate(estimate(), T0)).toBe('预计约 3小时 后发生故障（距现在 1小时 至 2天 之间）');
  });
});

describe("a prediction alarm's estimate", () => {
  it('is read from the details, and absent from older alarms', () => {
    expect(predictionEstimateOf({ ...estimate(), probability: 0.9 })).toEqual(estimate());
    expect(predictionEstimateOf({ hoursToFailure: 12, probability: 0.9 })).toBeNull();
  });

  it("is the ticket's own alarm, else the device's latest for the ticket's fault", () => {
    const alarm = (id: string, raisedAt: number, cause = 'prediction:bearing_wear') =>
      ({ id, deviceId: 'wm-1', cause, raisedAt, details: estimate() }) as never;
    expect(predictionAlarmOf(ticket(), [alarm('a-0', 1), alarm('a-1', 0)])?.id).toBe('a-1');
    expect(predictionAlarmOf(ticket({ alarmId: 'x' }), [alarm('a-0', 1), alarm('a-2', 2)])?.id).toBe('a-2');
    expect(
      predictionAlarmOf(ticket({ alarmId: 'x' }), [alarm('a-3', 3, 'threshold:drumVibrationMmS')]),
    ).toBeUndefined();
  });
});
