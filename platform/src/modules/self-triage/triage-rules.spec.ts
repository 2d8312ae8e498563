import { findSymptom, type ApplianceType } from '../../../../contracts/src';
import { decideTriage, type MetricSummary, type TriageEvidence } from './triage-rules';

const NOW = Date.UTC(2026, 0, 5, 13);
const HOUR = 3_600_000;

const passed = (parts: string[]) => ({
  passed: true,
  components: parts.map((part) => ({ part, status: 'pass' as const })),
});

const metric = (name: string, recent: number, sustained = recent): MetricSummary => ({
  metric: name,
  recent,
  sustained,
});

function evidence(type: ApplianceType, overrides: Partial<TriageEvidence> = {}): TriageEvidence {
  return {
    type,
    symptom: undefined,
    selfTest: passed(['a-part']),
    errorLog: [],
    metrics: [],
    openAlarms: [],
    openIncidents: [],
    nowMs: NOW,
    ...overrides,
  };
}

/** Healthy fridge readings: cabinet at set point, compressor at its usual 40 % duty. */
const healthyFridge = [
  metric('cabinetTempC', 4.1),
  metric('compressorDutyPct', 41),
  metric('condenserTempC', 31),
];

describe('self-triage rules', () => {
  it('finds a clogged air filter the customer can clean, with the drop against normal', () => {
    const decision = decideTriage(
      evidence('air_conditioner', {
        symptom: findSymptom('air_conditioner', 'weak_airflow'),
        metrics: [metric('filterDpPa', 115.5), metric('suctionPressureKpa', 820)],
      }),
    );
    expect(decision).toMatchObject({
      status: 'self_fix',
      cause: 'filter_clog',
      articleId: 'ac-clean-air-filter',
    });
    const reading = decision.findings.find((f) => f.subject === 'filterDpPa');
    expect(reading).toMatchObject({
      kind: 'reading',
      ok: false,
      value: 115.5,
      normal: 55,
      ratio: 2.1,
      unit: 'Pa',
    });
    expect(reading?.text).toContain('2.1x normal');
  });

  it('leaves a filter within normal alone and sends a technician for an unexplained complaint', () => {
    const decision = decideTriage(
      evidence('air_conditioner', {
        symptom: findSymptom('air_conditioner', 'weak_airflow'),
        metrics: [metric('filterDpPa', 60)],
      }),
    );
    expect(decision.status).toBe('visit');
    expect(decision.findings.find((f) => f.subject === 'filterDpPa')).toMatchObject({
      ok: true,
      ratio: 1.09,
    });
  });

  it("finds a dishwasher's clogged drain and its clogged spray arms", () => {
    const drain = decideTriage(
      evidence('dishwasher', {
        symptom: findSymptom('dishwasher', 'not_draining'),
        metrics: [metric('drainTimeS', 160)],
      }),
    );
    expect(drain).toMatchObject({
      status: 'self_fix',
      cause: 'drain_clog',
      articleId: 'dishwasher-clean-filter-drain',
    });
    const spray = decideTriage(
      evidence('dishwasher', {
        symptom: findSymptom('dishwasher', 'dishes_not_clean'),
        metrics: [metric('pumpPressureKpa', 70)],
      }),
    );
    expect(spray).toMatchObject({
      status: 'self_fix',
      cause: 'spray_arm_clog',
      articleId: 'dishwasher-clean-spray-arms',
    });
    expect(spray.findings.find((f) => f.subject === 'pumpPressureKpa')?.ratio).toBeLessThan(0.75);
  });

  it("finds a washer's clogged drain pump filter", () => {
    const decision = decideTriage(
      evidence('washer', {
        symptom: findSymptom('washer', 'not_draining'),
        metrics: [metric('drainTimeS', 240)],
      }),
    );
    expect(decision).toMatchObject({
      status: 'self_fix',
      cause: 'drain_pump_clog',
      articleId: 'washer-clean-drain-pump-filter',
    });
  });

  it('tells a door left open (R40, cold again, self-test passed) from a failing gasket', () => {
    const r40 = [{ ts: NOW - 3 * HOUR, code: 'R40', message: 'Door left open' }];
    const leftOpen = decideTriage(
      evidence('refrigerator', {
        symptom: findSymptom('refrigerator', 'not_cooling'),
        errorLog: r40,
        metrics: healthyFridge,
      }),
    );
    expect(leftOpen).toMatchObject({
      status: 'self_fix',
      cause: 'door_left_open',
      articleId: 'fridge-door-left-open',
    });

    const gasket = decideTriage(
      evidence('refrigerator', {
        symptom: findSymptom('refrigerator', 'not_cooling'),
        errorLog: r40,
        metrics: [
          metric('cabinetTempC', 9.5, 9.1),
          metric('compressorDutyPct', 93, 91),
          metric('condenserTempC', 33),
        ],
      }),
    );
    expect(gasket).toMatchObject({ status: 'visit', cause: 'door_gasket_failure', articleId: null });
    expect(gasket.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'error_log', subject: 'R40', ok: false }),
        expect.objectContaining({ kind: 'reading', subject: 'compressorDutyPct', ok: false }),
        expect.objectContaining({ kind: 'reading', subject: 'cabinetTempC', ok: false }),
      ]),
    );
    // the duty is high now and has been for six hours: the door has not sealed for hours
    const duty = gasket.findings.filter((f) => f.subject === 'compressorDutyPct');
    expect(duty.map((f) => f.ratio)).toEqual([2.33, 2.28]);
    expect(duty[1].text).toContain('last 6 h');
    // a temperature is worded against normal, not as a ratio
    expect(gasket.findings.find((f) => f.subject === 'cabinetTempC')).toMatchObject({
      value: 9.5,
      normal: 4,
      ratio: null,
    });
    expect(leftOpen.findings.filter((f) => f.subject === 'compressorDutyPct')).toHaveLength(1);
  });

  it('takes a door alarm for the door too, and an R40 with a still-warm cabinet for a visit', () => {
    const alarm = { cause: 'code:R40', severity: 'minor', message: 'Door left open (R40)' };
    expect(
      decideTriage(evidence('refrigerator', { openAlarms: [alarm], metrics: healthyFridge })),
    ).toMatchObject({ status: 'self_fix', cause: 'door_left_open' });
    expect(
      decideTriage(
        evidence('refrigerator', {
          openAlarms: [alarm],
          metrics: [metric('cabinetTempC', 8.5), metric('compressorDutyPct', 45)],
        }),
      ),
    ).toMatchObject({ status: 'visit', cause: 'door_gasket_failure' });
  });

  it('sends a technician whenever the self-test names a failed component, whatever the readings', () => {
    const decision = decideTriage(
      evidence('air_conditioner', {
        symptom: findSymptom('air_conditioner', 'weak_airflow'),
        selfTest: {
          passed: false,
          components: [
            { part: 'air-filter', status: 'pass' },
            { part: 'run-capacitor', status: 'fail' },
          ],
        },
        metrics: [metric('filterDpPa', 130)],
      }),
    );
    expect(decision).toMatchObject({ status: 'visit', cause: 'capacitor_degradation', articleId: null });
    expect(decision.findings).toContainEqual(
      expect.objectContaining({ kind: 'self_test', subject: 'run-capacitor', ok: false }),
    );
  });

  it('sends a technician for a safety symptom even when a customer-doable cause shows', () => {
    const decision = decideTriage(
      evidence('air_conditioner', {
        symptom: findSymptom('air_conditioner', 'burning_smell'),
        metrics: [metric('filterDpPa', 130)],
      }),
    );
    expect(decision.status).toBe('visit');
    expect(decision.articleId).toBeNull();
  });

  it('never offers a self-fix when the self-test did not answer', () => {
    const decision = decideTriage(
      evidence('washer', {
        selfTest: null,
        selfTestError: 'no answer within 8000 ms',
        metrics: [metric('drainTimeS', 240)],
      }),
    );
    expect(decision).toMatchObject({ status: 'visit', cause: 'drain_pump_clog' });
    expect(decision.findings[0]).toMatchObject({ kind: 'self_test', ok: false });
    expect(decision.findings[0].text).toContain('no answer within 8000 ms');
  });

  it('sends a technician when another fault shows beside the clogged filter', () => {
    const decision = decideTriage(
      evidence('air_conditioner', {
        metrics: [metric('filterDpPa', 130), metric('suctionPressureKpa', 500)],
        errorLog: [{ ts: NOW - HOUR, code: 'A11' }],
      }),
    );
    expect(decision).toMatchObject({ status: 'visit', cause: 'refrigerant_leak' });
  });

  it('reads only the fault modes the symptom points to', () => {
    // a long drain is no finding for a noisy spin, which points to the bearing
    const decision = decideTriage(
      evidence('washer', {
        symptom: findSymptom('washer', 'noisy_spin'),
        metrics: [metric('drainTimeS', 240), metric('drumVibrationMmS', 6)],
      }),
    );
    expect(decision.status).toBe('visit');
    expect(decision.findings.some((f) => f.subject === 'drainTimeS')).toBe(false);
    expect(decision.findings.some((f) => f.subject === 'drumVibrationMmS')).toBe(true);
  });

  it('ignores error-log entries older than a day', () => {
    const decision = decideTriage(
      evidence('refrigerator', {
        errorLog: [{ ts: NOW - 30 * HOUR, code: 'R40' }],
        metrics: healthyFridge,
      }),
    );
    expect(decision.findings.some((f) => f.kind === 'error_log')).toBe(false);
    expect(decision.status).toBe('visit');
  });
});
