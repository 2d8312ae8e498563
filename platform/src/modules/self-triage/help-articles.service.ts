import { Injectable, OnModuleInit } from '@nestjs/common';
import { APPLIANCE_PROFILES, type HelpArticle } from '../../../../contracts/src';
import { Clock } from '../../common/clock/clock';
import type { Principal } from '../auth/auth.service';
import type { DeviceRecord } from '../devices/devices.repository';
import { DevicesService } from '../devices/devices.service';
import { baselineOf } from './healthy-baselines';
import { GENERAL_TYPE, HELP_ARTICLES, type HelpArticleSeed } from './help-articles.data';
import { HelpArticlesRepository } from './help-articles.repository';
import { selfTriageError } from './self-triage.errors';

const round = (v: number) => Math.round(v * 100) / 100;

/**
 * A query word matches where a word of the text starts ("filt" finds "filter", "air" does not
 * find "hair"); Chinese is written without spaces, so a Chinese word matches anywhere.
 */
function wordMatcher(word: string): (text: string) => boolean {
  if (!/^[a-z0-9]/.test(word)) return (text) => text.includes(word);
  const pattern = new RegExp(`(^|[^a-z0-9])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  return (text) => pattern.test(text);
}

/** Everything a customer may search an article by, both languages, lower case. */
function searchText(a: HelpArticleSeed): string {
  return [
    a.title.en,
    a.title['zh-CN'],
    a.summary.en,
    a.summary['zh-CN'],
    ...a.steps.flatMap((s) => [s.en, s['zh-CN']]),
  ]
    .join('\n')
    .toLowerCase();
}

/**
 * Help articles for customers, in English and Simplified Chinese: searched by words in either
 * language, and shown with the customer's own appliance's readings against healthy ("filter
 * pressure drop 2.1x normal") when asked about one of their appliances.
 */
@Injectable()
export class HelpArticlesService implements OnModuleInit {
  constructor(
    private readonly repository: HelpArticlesRepository,
    private readonly devices: DevicesService,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.repository.upsert(HELP_ARTICLES, this.clock.now());
  }

  /**
   * Articles matching every word of `q` (title, summary or steps, either language, any case),
   * of `type` (general articles go with every type). With `deviceId` (one the caller may see):
   * that appliance's type unless `type` says otherwise, and its readings.
   */
  async search(
    principal: Principal,
    query: { q?: string; type?: string; deviceId?: string },
  ): Promise<HelpArticle[]> {
    const device = query.deviceId ? this.devices.requireVisible(query.deviceId, principal) : undefined;
    const type = query.type ?? device?.type;
    const articles = await this.repository.list(
      type === undefined ? undefined : type === GENERAL_TYPE ? [GENERAL_TYPE] : [type, GENERAL_TYPE],
    );
    const words = (query.q ?? '').toLowerCase().split(/\s+/).filter(Boolean).map(wordMatcher);
    return articles
      .filter((a) => {
        const text = searchText(a);
        return words.every((matches) => matches(text));
      })
      .map((a) => this.withReadings(a, device));
  }

  async get(id: string, principal: Principal, deviceId?: string): Promise<HelpArticle> {
    const device = deviceId ? this.devices.requireVisible(deviceId, principal) : undefined;
    const article = await this.repository.find(id);
    if (!article)
      throw selfTriageError('help_article.not_found', `No help article "${id}"`, { articleId: id });
    return this.withReadings(article, device);
  }

  /** The appliance's latest value of each of the article's metrics, against its healthy value. */
  private withReadings(article: HelpArticleSeed, device: DeviceRecord | undefined): HelpArticle {
    if (!device) return article;
    const readings: NonNullable<HelpArticle['readings']> = [];
    for (const metric of article.metrics) {
      const profile = APPLIANCE_PROFILES[device.type].metrics.find((m) => m.name === metric);
      const baseline = baselineOf(device.type, metric);
      const latest = device.latest.get(metric);
      if (!profile || !baseline || !latest) continue;
      // a part at rest (a pump between cycles) reads 0, which says nothing about it
      if (baseline.whileRunning && latest.value <= 0) continue;
      readings.push({
        metric,
        value: latest.value,
        normal: baseline.typical,
        ratio: round(latest.value / baseline.typical),
        unit: profile.unit,
      });
    }
    return { ...article, readings };
  }
}
