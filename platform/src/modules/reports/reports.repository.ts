import { Inject, Injectable } from '@nestjs/common';
import type { Language } from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

export interface ArchivedReportRow {
  month: string;
  lang: Language;
  html: string;
  pdf: Buffer | null;
  generatedAtMs: number;
  generatedBy: string;
}

export interface ArchivedReportMeta {
  month: string;
  lang: Language;
  htmlBytes: number;
  pdfBytes: number | null;
  generatedAtMs: number;
  generatedBy: string;
}

export interface CountByKey {
  key: string;
  count: number;
}

export interface ComplaintResolution {
  received: number;
  resolved: number;
}

/** An improvement action of a management warning open during the month (or the warning alone). */
export interface WarningActionRow {
  warningId: string;
  kpi: string;
  orgId: string;
  orgName: string | null;
  warningStatus: string;
  raisedAtMs: number;
  closedAtMs: number | null;
  action: {
    description: string;
    expectedEffect: string;
    estimatedCostMinor: number;
    currency: string;
    status: string;
    recordedAtMs: number;
  } | null;
}

export interface ReportRecipient {
  userId: string;
  language: Language;
}

const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const bytes = (value: unknown): Buffer | null =>
  value === null || value === undefined ? null : Buffer.from(value as Uint8Array);

/** The report archive, and what the report reads besides the KPIs (complaints, warnings, recipients). */
@Injectable()
export class ReportsRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async archived(month: string, lang: Language): Promise<ArchivedReportRow | undefined> {
    const rows = await this.db.query<{
      month: string;
      lang: string;
      html: string;
      pdf: unknown;
      generated_at: string | number;
      generated_by: string;
    }>(
      'SELECT month, lang, html, pdf, generated_at, generated_by FROM monthly_reports WHERE month = $1 AND lang = $2',
      [month, lang],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      month: row.month,
      lang: row.lang as Language,
      html: row.html,
      pdf: bytes(row.pdf),
      generatedAtMs: num(row.generated_at),
      generatedBy: row.generated_by,
    };
  }

  async archive(report: ArchivedReportRow): Promise<void> {
    await this.db.query(
      `INSERT INTO monthly_reports (month, lang, html, pdf, generated_at, generated_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (month, lang) DO UPDATE SET html = EXCLUDED.html,
         pdf = COALESCE(EXCLUDED.pdf, monthly_reports.pdf), generated_at = EXCLUDED.generated_at,
         generated_by = EXCLUDED.generated_by`,
      [report.month, report.lang, report.html, report.pdf, report.generatedAtMs, report.generatedBy],
    );
  }

  /** Stores the PDF of an archived report rendered later than its HTML. */
  async attachPdf(month: string, lang: Language, pdf: Buffer): Promise<void> {
    await this.db.query('UPDATE monthly_reports SET pdf = $3 WHERE month = $1 AND lang = $2', [
      month,
      lang,
      pdf,
    ]);
  }

  /** Newest month first. */
  async list(): Promise<ArchivedReportMeta[]> {
    const rows = await this.db.query<{
      month: string;
      lang: string;
      html_bytes: string | number;
      pdf_bytes: string | number | null;
      generated_at: string | number;
      generated_by: string;
    }>(
      `SELECT month, lang, octet_length(html) AS html_bytes, octet_length(pdf) AS pdf_bytes, generated_at, generated_by
       FROM monthly_reports ORDER BY month DESC, lang`,
    );
    return rows.map((r) => ({
      month: r.month,
      lang: r.lang as Language,
      htmlBytes: num(r.html_bytes),
      pdfBytes: r.pdf_bytes === null ? null : num(r.pdf_bytes),
      generatedAtMs: num(r.generated_at),
      generatedBy: r.generated_by,
    }));
  }

  /** Complaints received in [from, to) by category, most first. */
  complaintsByCategory(fromMs: number, toMs: number): Promise<CountByKey[]> {
    return this.countBy('category', fromMs, toMs);
  }

  /** Complaints received in [from, to) by source (the channel they came through), most first. */
  complaintsBySource(fromMs: number, toMs: number): Promise<CountByKey[]> {
    return this.countBy('source', fromMs, toMs);
  }

  private async countBy(column: 'category' | 'source', fromMs: number, toMs: number): Promise<CountByKey[]> {
    const rows = await this.db.query<{ key: string; count: string | number }>(
      `SELECT ${column} AS key, count(*) AS count FROM complaints
       WHERE created_at >= $1 AND created_at < $2 GROUP BY ${column} ORDER BY count(*) DESC, ${column}`,
      [fromMs, toMs],
    );
    return rows.map((r) => ({ key: r.key, count: num(r.count) }));
  }

  /** Complaints received in [from, to), and how many of them were closed before `to`. */
  async complaintResolution(fromMs: number, toMs: number): Promise<ComplaintResolution> {
    const rows = await this.db.query<{ received: string | number; resolved: string | number }>(
      `SELECT count(*) AS received, count(*) FILTER (WHERE closed_at IS NOT NULL AND closed_at < $2) AS resolved
       FROM complaints WHERE created_at >= $1 AND created_at < $2`,
      [fromMs, toMs],
    );
    return { received: num(rows[0]?.received), resolved: num(rows[0]?.resolved) };
  }

  /** Whether the management warnings' tables exist (migration 18). */
  async hasWarnings(): Promise<boolean> {
    const rows = await this.db.query<{ warnings: string | null; actions: string | null }>(
      "SELECT to_regclass('management_warnings')::text AS warnings, to_regclass('improvement_actions')::text AS actions",
    );
    const row = rows[0];
    return row !== undefined && row.warnings !== null && row.actions !== null;
  }

  /**
   * The warnings open at some time in [from, to) (raised before `to`, not closed before
   * `from`) with their improvement actions, one row per action (a warning without any: one
   * row with `action` null); oldest warning first.
   */
  async warningActions(fromMs: number, toMs: number): Promise<WarningActionRow[]> {
    const rows = await this.db.query<{
      warning_id: string;
      kpi: string;
      org_id: string;
      org_name: string | null;
      warning_status: string;
      raised_at: string | number;
      closed_at: string | number | null;
      description: string | null;
      expected_effect: string | null;
      estimated_cost_minor: string | number | null;
      currency: string | null;
      action_status: string | null;
      recorded_at: string | number | null;
    }>(
      `SELECT w.id AS warning_id, w.kpi, w.org_id, o.name AS org_name, w.status AS warning_status,
              w.raised_at, w.closed_at, a.description, a.expected_effect, a.estimated_cost_minor,
              a.currency, a.status AS action_status, a.recorded_at
       FROM management_warnings w
       LEFT JOIN organisations o ON o.id = w.org_id
       LEFT JOIN improvement_actions a ON a.warning_id = w.id AND a.recorded_at < $2
       WHERE w.raised_at < $2 AND (w.closed_at IS NULL OR w.closed_at >= $1)
       ORDER BY w.raised_at, w.id, a.recorded_at, a.id`,
      [fromMs, toMs],
    );
    return rows.map((r) => ({
      warningId: r.warning_id,
      kpi: r.kpi,
      orgId: r.org_id,
      orgName: r.org_name,
      warningStatus: r.warning_status,
      raisedAtMs: num(r.raised_at),
      closedAtMs: r.closed_at === null ? null : num(r.closed_at),
      action:
        r.description === null
          ? null
          : {
              description: r.description,
              expectedEffect: r.expected_effect ?? '',
              estimatedCostMinor: num(r.estimated_cost_minor),
              currency: r.currency ?? 'CNY',
              status: r.action_status ?? 'planned',
              recordedAtMs: num(r.recorded_at),
            },
    }));
  }

  /** Who receives the monthly report: managers and admins with an active account. */
  async recipients(): Promise<ReportRecipient[]> {
    const rows = await this.db.query<{ id: string; language: string | null }>(
      "SELECT id, language FROM users WHERE role IN ('manager', 'admin') AND disabled_at IS NULL ORDER BY id",
    );
    return rows.map((r) => ({ userId: r.id, language: r.language === 'zh-CN' ? 'zh-CN' : 'en' }));
  }

  /** The user's saved language (English until chosen). */
  async languageOf(userId: string): Promise<Language> {
    const rows = await this.db.query<{ language: string | null }>(
      'SELECT language FROM users WHERE id = $1',
      [userId],
    );
    return rows[0]?.language === 'zh-CN' ? 'zh-CN' : 'en';
  }
}
