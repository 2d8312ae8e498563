// The words of a guidance article in the reader's language. The platform writes the first version of
// every article from the appliance profile (author `system`): the browser writes that same article
// from the same profile in the reader's language. An article an engineer wrote is shown as written,
// with the profile's ids (metric, fault mode and part names) replaced by their names.
import type { ApplianceProfileView, GuidanceArticle } from '../../../contracts/src';
import { t } from '../i18n/i18n';
import { errorCodeMeaning, faultModeLabel, metricLabel, partLabel } from '../i18n/labels';

export interface GuidanceText {
  title: string;
  checks: string[];
  steps: string[];
  safetyNotes: string[];
}

export function guidanceText(
  article: GuidanceArticle,
  profile: ApplianceProfileView | undefined,
): GuidanceText {
  const fault = profile?.faultModes.find((f) => f.mode === article.faultMode);
  if (article.createdBy === 'system' && fault && profile) {
    const code = profile.errorCodes.find((c) => c.code === fault.errorCode);
    const part = partLabel(fault.part).toLowerCase();
    return {
      title: faultModeLabel(article.faultMode),
      checks: [
        ...fault.affects.map((metric) =>
          t('technician.guidance.auto.compare', { metric: metricLabel(metric) }),
        ),
        t('technician.guidance.auto.errorLog', {
          code: fault.errorCode,
          meaning: errorCodeMeaning(fault.errorCode, code?.meaning),
        }),
        t('technician.guidance.auto.selfTest'),
      ],
      steps: [
        t('technician.guidance.auto.confirm'),
        t('technician.guidance.auto.isolate'),
        t('technician.guidance.auto.replace', { part }),
        t('technician.guidance.auto.test'),
      ],
      safetyNotes: [
        t('technician.guidance.auto.mains'),
        ...(article.type === 'refrigerator' || article.type === 'air_conditioner'
          ? [t('technician.guidance.auto.refrigerant')]
          : []),
        ...(article.type === 'water_heater' ? [t('technician.guidance.auto.waterHeater')] : []),
      ],
    };
  }
  const words = (text: string): string => withNames(text, profile);
  return {
    title: words(article.title),
    checks: article.checks.map(words),
    steps: article.steps.map(words),
    safetyNotes: article.safetyNotes.map(words),
  };
}

/** "Compare drainTimeS (s)" → "Compare Drain time (s)": an author may name a metric by its id. */
function withNames(text: string, profile: ApplianceProfileView | undefined): string {
  if (!profile) return text;
  const names = new Map<string, string>();
  for (const metric of profile.metrics) names.set(metric.name, metricLabel(metric.name));
  for (const fault of profile.faultModes) {
    names.set(fault.mode, faultModeLabel(fault.mode));
    names.set(fault.part, partLabel(fault.part).toLowerCase());
  }
  // only what reads as an id: a plain word such as "thermostat" stays the author's
  const ids = [...names.keys()]
    .filter((id) => /[-_A-Z]/.test(id))
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  if (ids.length === 0) return text;
  return text.replace(new RegExp(`\\b(?:${ids.join('|')})\\b`, 'g'), (id) => names.get(id) ?? id);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
