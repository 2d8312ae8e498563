import { Inject, Injectable } from '@nestjs/common';
import type { ComplaintTerms, KpiFilter, Language } from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import { detectLanguage } from '../feedback-analysis/sentiment-scorer';
import { termsOf } from '../feedback-analysis/text-terms';

/** Terms a word cloud shows at most. */
export const COMPLAINT_TERMS_MAX = 40;

/**
 * What the boards draw besides the KPIs: where each region is (for the map of failure rates) and
 * the recurring terms of the complaints (the word cloud), with the KPI filters.
 */
@Injectable()
export class KpiBoardExtrasService {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  /** Each region's centre: the mean position of its located customers. */
  async regionCentres(): Promise<Map<string, { lat: number; lon: number }>> {
    const rows = await this.db.query<{ region: string; lat: number | string; lon: number | string }>(
      `SELECT region, avg(lat) AS lat, avg(lon) AS lon
         FROM customers
        WHERE region IS NOT NULL AND lat IS NOT NULL AND lon IS NOT NULL
        GROUP BY region`,
    );
    return new Map(
      rows.map((r) => [r.region, { lat: round(Number(r.lat)), lon: round(Number(r.lon)) }] as const),
    );
  }

  /**
   * The complaints created in `[fromMs, toMs)` within the filter (the `complaints` KPI's slices:
   * the complaint's region else its appliance's, the appliance's branch, type and model, the
   * ticket's provider), their descriptions cut into terms by the feedback analysis.
   */
  async complaintTerms(
    fromMs: number,
    toMs: number,
    filter: KpiFilter,
    limit = COMPLAINT_TERMS_MAX,
  ): Promise<ComplaintTerms> {
    const params: unknown[] = [fromMs, toMs];
    const where = ['c.created_at >= $1', 'c.created_at < $2'];
    const columns: Record<keyof KpiFilter, string> = {
      region: 'COALESCE(c.region, d.region)',
      branch: 'd.branch_id',
      provider: 'f.provider_id',
      type: 'd.type',
      model: 'd.model',
    };
    for (const key of Object.keys(columns) as Array<keyof KpiFilter>) {
      const value = filter[key];
      if (value === undefined) continue;
      params.push(value);
      where.push(`${columns[key]} = $${params.length}`);
    }
    const rows = await this.db.query<{ text: string | null }>(
      `SELECT c.description AS text
         FROM complaints c
         LEFT JOIN devices d ON d.id = c.device_id
         LEFT JOIN ticket_facts f ON f.ticket_id = c.ticket_id
        WHERE ${where.join(' AND ')}`,
      params,
    );
    const counts = new Map<string, number>();
    for (const { text } of rows) {
      if (!text) continue;
      const language: Language = detectLanguage(text);
      for (const term of termsOf(text, language)) counts.set(term, (counts.get(term) ?? 0) + 1);
    }
    return {
      complaints: rows.length,
      terms: [...counts.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, limit)
        .map(([term, count]) => ({ term, count })),
    };
  }
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;
