import {
  APPLIANCE_PROFILES,
  parseAlarmCause,
  type ApplianceType,
  type FaultModeProfile,
  type MetricProfile,
  type Symptom,
  type TriageFinding,
} from '../../../../contracts/src';
import { baselineOf } from './healthy-baselines';

/**
 * The self-triage's decision, as a pure function of what the platform saw: the self-test, the
 * error log, the appliance's readings over the last day (summarised), its open alarms and
 * incidents, and the customer's symptom. No I/O, no clock: `self-triage.service.ts` gathers the
 * evidence, this file decides.
 */

/** A customer-doable cause that is not a fault mode of the profile. */
export const DOOR_LEFT_OPEN = 'door_left_open';

/** A reading this many times its healthy value (or this fraction of it, for a falling metric) is a finding. */
export const HIGH_RATIO = 1.5;
export const LOW_RATIO = 0.75;

/** Error-log entries older than this say nothing about today's problem. */
export const ERROR_LOG_WINDOW_MS = 24 * 3_600_000;

export interface SelfTestResult {
  passed: boolean;
  components: Array<{ part: string; status: 'pass' | 'fail' }>;
}

/** A metric over the day: `recent` the last hour's mean, `sustained` the last six hours' (null when no reading). */
export interface MetricSummary {
  metric: string;
  recent: number | null;
  sustained: number | null;
}

export interface TriageEvidence {
  type: ApplianceType;
  symptom: Symptom | undefined;
  /** null: the device did not answer (`selfTestError` says why). */
  selfTest: SelfTestResult | null;
  selfTestError?: string;
  errorLog: Array<{ ts: number; code: string; message?: string }> | null;
  errorLogError?: string;
  metrics: MetricSummary[];
  openAlarms: Array<{ cause: string; severity: string; message: string }>;
  openIncidents: Array<{ fault: string }>;
  nowMs: number;
}

export interface TriageDecision {
  status: 'self_fix' | 'visit';
  cause: string | null;
  articleId: string | null;
  findings: TriageFinding[];
}

/** A cause the customer can fix, the help article with the steps, and the reading that shows it. */
interface SelfFix {
  type: ApplianceType;
  cause: string;
  articleId: string;
  metric: string;
  /** The metric rises (`high`) or falls (`low`) with the cause. */
  direction: 'high' | 'low';
}

export const SELF_FIXES: readonly SelfFix[] = [
  {
    type: 'air_conditioner',
    cause: 'filter_clog',
    articleId: 'ac-clean-air-filter',
    metric: 'filterDpPa',
    direction: 'high',
  },
  {
    type: 'dishwasher',
    cause: 'drain_clog',
    articleId: 'dishwasher-clean-filter-drain',
    metric: 'drainTimeS',
    direction: 'high',
  },
  {
    type: 'dishwasher',
    cause: 'spray_arm_clog',
    articleId: 'dishwasher-clean-spray-arms',
    metric: 'pumpPressureKpa',
    direction: 'low',
  },
  {
    type: 'washer',
    cause: 'drain_pump_clog',
    articleId: 'washer-clean-drain-pump-filter',
    metric: 'drainTimeS',
    direction: 'high',
  },
];

export const DOOR_LEFT_OPEN_ARTICLE = 'fridge-door-left-open';

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

function outsideBand(profile: MetricProfile, value: number): boolean {
  return (
    (profile.normal.high !== undefined && value > profile.normal.high) ||
    (profile.normal.low !== undefined && value < profile.normal.low)
  );
}

function readingFinding(
  type: ApplianceType,
  profile: MetricProfile,
  value: number,
  direction: 'high' | 'low' | undefined,
  window: string,
): TriageFinding {
  const baseline = baselineOf(type, profile.name);
  const normal = baseline?.typical ?? null;
  // a ratio of temperatures means nothing (a freezer at -9 °C is not "half" of -18 °C): the UI
  // then words it as the value against normal
  const ratio = normal && profile.unit !== '°C' ? round(value / normal) : null;
  const deviates =
    ratio !== null &&
    (direction === 'high' ? ratio >= HIGH_RATIO : direction === 'low' ? ratio <= LOW_RATIO : false);
  const ok = !deviates && !outsideBand(profile, value);
  const against =
    normal === null
      ? ''
      : ratio !== null
        ? `, ${ratio}x normal (${normal} ${profile.unit})`
        : ` (normal ${normal} ${profile.unit})`;
  return {
    kind: 'reading',
    subject: profile.name,
    ok,
    value: round(value),
    normal,
    ratio,
    unit: profile.unit,
    text: `${profile.description}: ${round(value, 1)} ${profile.unit}${against} over the last ${window}`,
  };
}

/** Fault modes an alarm points to: its error code's, its metric's (as main metric), or the predicted one. */
function modesOfAlarm(faults: readonly FaultModeProfile[], cause: string): string[] {
  const parsed = parseAlarmCause(cause);
  if (!parsed) return [];
  switch (parsed.kind) {
    case 'code':
      return faults.filter((f) => f.errorCode === parsed.code).map((f) => f.mode);
    case 'threshold':
      return faults.filter((f) => f.affects[0] === parsed.metric).map((f) => f.mode);
    case 'prediction':
      return [parsed.faultMode];
    case 'anomaly':
    case 'no_data':
      return [];
  }
}

/**
 * Whether a refrigerator that raised its door alarm is cold again: cabinet inside its normal band
 * and compressor duty back under 1.5x its usual. A duty high for the last six hours, not just the
 * last hour, is its own finding: the door has not sealed for hours.
 */
function doorAnalysis(
  summaries: Map<string, MetricSummary>,
  findings: TriageFinding[],
): { recovered: boolean } {
  const metrics = APPLIANCE_PROFILES.refrigerator.metrics;
  const cabinet = metrics.find((m) => m.name === 'cabinetTempC') as MetricProfile;
  const dutyProfile = metrics.find((m) => m.name === 'compressorDutyPct') as MetricProfile;
  const dutyTypical = baselineOf('refrigerator', 'compressorDutyPct')?.typical ?? 40;
  const duty = summaries.get('compressorDutyPct');
  const cabinetRecent = summaries.get('cabinetTempC')?.recent ?? null;
  const dutyHighNow = duty?.recent != null && duty.recent >= HIGH_RATIO * dutyTypical;
  if (duty?.sustained != null && duty.sustained >= HIGH_RATIO * dutyTypical)
    findings.push(readingFinding('refrigerator', dutyProfile, duty.sustained, 'high', '6 h'));
  const cabinetWarm = cabinetRecent !== null && outsideBand(cabinet, cabinetRecent);
  // without the readings nothing shows it recovered
  return { recovered: duty?.recent != null && cabinetRecent !== null && !dutyHighNow && !cabinetWarm };
}

export function decideTriage(evidence: TriageEvidence): TriageDecision {
  const profile = APPLIANCE_PROFILES[evidence.type];
  const faults = profile.faultModes;
  const findings: TriageFinding[] = [];
  /** Fault modes something points to, in the order found (strongest evidence first). */
  const suspected: string[] = [];
  const suspect = (mode: string) => {
    if (!suspected.includes(mode)) suspected.push(mode);
  };

  // The symptom narrows the fault modes worth a reading; without one (or a generic one) all count.
  const candidates =
    evidence.symptom && evidence.symptom.faultModes.length > 0
      ? [...evidence.symptom.faultModes]
      : faults.map((f) => f.mode);
  const doorCandidate = evidence.type === 'refrigerator' && candidates.includes('door_gasket_failure');

  // 1. Self-test: a failed component is a part to replace.
  const failedParts: string[] = [];
  if (evidence.selfTest) {
    for (const component of evidence.selfTest.components) {
      if (component.status === 'pass') continue;
      failedParts.push(component.part);
      findings.push({
        kind: 'self_test',
        subject: component.part,
        ok: false,
        value: null,
        normal: null,
        ratio: null,
        unit: null,
        text: `Self-test: ${component.part} failed`,
      });
      for (const fault of faults) if (fault.part === component.part) suspect(fault.mode);
    }
    if (failedParts.length === 0)
      findings.push({
        kind: 'self_test',
        subject: 'self_test',
        ok: evidence.selfTest.passed,
        value: null,
        normal: null,
        ratio: null,
        unit: null,
        text: evidence.selfTest.passed
          ? `Self-test passed (${evidence.selfTest.components.length} components)`
          : 'Self-test reported a failure without naming a component',
      });
  } else {
    findings.push({
      kind: 'self_test',
      subject: 'self_test',
      ok: false,
      value: null,
      normal: null,
      ratio: null,
      unit: null,
      text: `Self-test did not answer${evidence.selfTestError ? `: ${evidence.selfTestError}` : ''}`,
    });
  }

  // 2. Error log of the last day: one finding per code, with how often it came.
  const codesSeen = new Set<string>();
  if (evidence.errorLog) {
    const recent = evidence.errorLog.filter((e) => evidence.nowMs - e.ts <= ERROR_LOG_WINDOW_MS);
    const byCode = new Map<string, { count: number; lastTs: number; message?: string }>();
    for (const entry of recent) {
      const seen = byCode.get(entry.code);
      byCode.set(entry.code, {
        count: (seen?.count ?? 0) + 1,
        lastTs: Math.max(seen?.lastTs ?? 0, entry.ts),
        message: entry.message ?? seen?.message,
      });
    }
    for (const [code, seen] of byCode) {
      codesSeen.add(code);
      const meaning = profile.errorCodes.find((e) => e.code === code)?.meaning ?? seen.message ?? code;
      findings.push({
        kind: 'error_log',
        subject: code,
        ok: false,
        value: seen.count,
        normal: null,
        ratio: null,
        unit: null,
        text: `Error log: ${code} (${meaning}) ${seen.count}x in the last 24 h, last at ${new Date(seen.lastTs).toISOString()}`,
      });
      for (const fault of faults) if (fault.errorCode === code) suspect(fault.mode);
    }
  } else {
    findings.push({
      kind: 'error_log',
      subject: 'error_log',
      ok: false,
      value: null,
      normal: null,
      ratio: null,
      unit: null,
      text: `Error log could not be read${evidence.errorLogError ? `: ${evidence.errorLogError}` : ''}`,
    });
  }

  // 3. Open alarms and incidents.
  let unexplainedSeriousAlarm = false;
  for (const alarm of evidence.openAlarms) {
    const parsed = parseAlarmCause(alarm.cause);
    if (parsed?.kind === 'code') codesSeen.add(parsed.code);
    const modes = modesOfAlarm(faults, alarm.cause);
    modes.forEach(suspect);
    if (modes.length === 0 && (alarm.severity === 'major' || alarm.severity === 'critical'))
      unexplainedSeriousAlarm = true;
    findings.push({
      kind: 'alarm',
      subject:
        parsed?.kind === 'code' ? parsed.code : parsed?.kind === 'threshold' ? parsed.metric : alarm.cause,
      ok: false,
      value: null,
      normal: null,
      ratio: null,
      unit: null,
      text: `Open ${alarm.severity} alarm: ${alarm.message}`,
    });
  }
  for (const incident of evidence.openIncidents) {
    if (faults.some((f) => f.mode === incident.fault)) suspect(incident.fault);
  }

  // 4. Readings: the main metric of every candidate fault, and every self-fixable cause's metric.
  const summaries = new Map(evidence.metrics.map((m) => [m.metric, m]));
  const selfFixes = SELF_FIXES.filter((f) => f.type === evidence.type);
  const readingMetrics = new Set<string>();
  for (const mode of candidates) {
    const fault = faults.find((f) => f.mode === mode);
    fault?.affects.forEach((metric) => readingMetrics.add(metric));
  }
  if (doorCandidate) {
    readingMetrics.add('cabinetTempC');
    readingMetrics.add('compressorDutyPct');
  }
  const readingOf = new Map<string, TriageFinding>();
  for (const metric of readingMetrics) {
    const metricProfile = profile.metrics.find((m) => m.name === metric);
    const value = summaries.get(metric)?.recent;
    if (!metricProfile || value === null || value === undefined) continue;
    const direction =
      selfFixes.find((f) => f.metric === metric)?.direction ??
      (metricProfile.normal.high !== undefined
        ? 'high'
        : metricProfile.normal.low !== undefined
          ? 'low'
          : undefined);
    const finding = readingFinding(evidence.type, metricProfile, value, direction, '1 h');
    readingOf.set(metric, finding);
    findings.push(finding);
    // a reading outside the profile's normal band points to the faults it is the main metric of
    if (outsideBand(metricProfile, value))
      faults.filter((f) => f.affects[0] === metric).forEach((f) => suspect(f.mode));
  }

  // Refrigerator door: the door alarm (R40) with the cold back is a door left open; with the
  // compressor still working hard or the cabinet still warm, the door does not seal: a gasket.
  const door =
    evidence.type === 'refrigerator' && (codesSeen.has('R40') || suspected.includes('door_gasket_failure'))
      ? doorAnalysis(summaries, findings)
      : undefined;

  const visit = (cause: string | null): TriageDecision => ({
    status: 'visit',
    cause,
    articleId: null,
    findings,
  });
  const preferCandidate = (modes: string[]) => modes.find((m) => candidates.includes(m)) ?? modes[0] ?? null;

  // A safety hazard is never the customer's to fix, whatever the readings say.
  if (evidence.symptom?.urgency === 'safety') return visit(preferCandidate(suspected));
  // A component the appliance itself declares failed needs a technician and a part.
  if (failedParts.length > 0) {
    const modes = faults.filter((f) => failedParts.includes(f.part)).map((f) => f.mode);
    return visit(preferCandidate(modes));
  }
  // Without a self-test answer nothing rules out a failing part.
  if (!evidence.selfTest?.passed) return visit(preferCandidate(suspected));

  if (door) {
    if (!door.recovered) return visit('door_gasket_failure');
    const others = suspected.filter((m) => m !== 'door_gasket_failure');
    if (others.length === 0 && !unexplainedSeriousAlarm)
      return { status: 'self_fix', cause: DOOR_LEFT_OPEN, articleId: DOOR_LEFT_OPEN_ARTICLE, findings };
    return visit(preferCandidate(others));
  }

  // A clogged filter or drain the customer can clean: its reading (or code) shows it, nothing else is wrong.
  const fixable = selfFixes.filter((fix) => {
    if (!candidates.includes(fix.cause)) return false;
    const reading = readingOf.get(fix.metric);
    const readingShows =
      reading?.ratio != null &&
      (fix.direction === 'high' ? reading.ratio >= HIGH_RATIO : reading.ratio <= LOW_RATIO);
    return readingShows || suspected.includes(fix.cause);
  });
  const others = suspected.filter((m) => !fixable.some((fix) => fix.cause === m));
  if (fixable.length > 0 && others.length === 0 && !unexplainedSeriousAlarm)
    return { status: 'self_fix', cause: fixable[0].cause, articleId: fixable[0].articleId, findings };
  if (suspected.length === 0 && fixable.length === 0 && !unexplainedSeriousAlarm)
    findings.push({
      kind: 'reading',
      subject: 'none',
      ok: true,
      value: null,
      normal: null,
      ratio: null,
      unit: null,
      text: 'No known cause found in the self-test, the error log or the last day of readings',
    });
  return visit(preferCandidate([...others, ...fixable.map((f) => f.cause)]));
}
