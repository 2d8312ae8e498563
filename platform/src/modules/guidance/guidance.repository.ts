import { Inject, Injectable } from '@nestjs/common';
import type { ApplianceType, GuidanceArticle, GuidanceEvent } from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

interface ArticleRow {
  id: string;
  type: ApplianceType;
  fault_mode: string;
  version: number;
  title: string;
  checks: string[];
  steps: string[];
  safety_notes: string[];
  expected_readings: GuidanceArticle['expectedReadings'];
  parts: string[];
  created_at: number;
  created_by: string;
}

const toArticle = (r: ArticleRow): GuidanceArticle => ({
  id: r.id,
  type: r.type,
  faultMode: r.fault_mode,
  version: r.version,
  title: r.title,
  checks: r.checks,
  steps: r.steps,
  safetyNotes: r.safety_notes,
  expectedReadings: r.expected_readings,
  parts: r.parts,
  createdAt: Number(r.created_at),
  createdBy: r.created_by,
});

@Injectable()
export class GuidanceRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async count(): Promise<number> {
    const [row] = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM guidance_articles');
    return row?.n ?? 0;
  }

  /** The newest version of each (type, fault mode), optionally filtered. */
  async latest(filter: { type?: string; faultMode?: string }): Promise<GuidanceArticle[]> {
    const rows = await this.db.query<ArticleRow>(
      `SELECT DISTINCT ON (type, fault_mode) * FROM guidance_articles
       WHERE ($1::text IS NULL OR type = $1) AND ($2::text IS NULL OR fault_mode = $2)
       ORDER BY type, fault_mode, version DESC`,
      [filter.type ?? null, filter.faultMode ?? null],
    );
    return rows.map(toArticle);
  }

  async versions(type: string, faultMode: string): Promise<GuidanceArticle[]> {
    const rows = await this.db.query<ArticleRow>(
      'SELECT * FROM guidance_articles WHERE type = $1 AND fault_mode = $2 ORDER BY version',
      [type, faultMode],
    );
    return rows.map(toArticle);
  }

  async find(id: string): Promise<GuidanceArticle | undefined> {
    const rows = await this.db.query<ArticleRow>('SELECT * FROM guidance_articles WHERE id = $1', [id]);
    return rows[0] ? toArticle(rows[0]) : undefined;
  }

  /** Keeps the guidance last pushed for a ticket, replacing the one pushed before. */
  async savePushed(guidance: GuidanceEvent, atMs: number): Promise<void> {
    await this.db.query(
      `INSERT INTO ticket_guidance (ticket_id, technician_id, pushed_at, event) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (ticket_id) DO UPDATE SET technician_id = EXCLUDED.technician_id,
         pushed_at = EXCLUDED.pushed_at, event = EXCLUDED.event`,
      [guidance.ticketId, guidance.technicianId, atMs, JSON.stringify(guidance)],
    );
  }

  async lastPushed(ticketId: string): Promise<GuidanceEvent | undefined> {
    const rows = await this.db.query<{ event: GuidanceEvent }>(
      'SELECT event FROM ticket_guidance WHERE ticket_id = $1',
      [ticketId],
    );
    return rows[0]?.event;
  }

  /** Inserts the next version; the unique (type, fault_mode, version) key settles a race. */
  async insertNextVersion(article: Omit<GuidanceArticle, 'version'>): Promise<GuidanceArticle> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{ v: number | null }>(
        'SELECT max(version) AS v FROM guidance_articles WHERE type = $1 AND fault_mode = $2',
        [article.type, article.faultMode],
      );
      const version = (row?.v ?? 0) + 1;
      await tx.query(
        `INSERT INTO guidance_articles (id, type, fault_mode, version, title, checks, steps, safety_notes,
           expected_readings, parts, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb, $11, $12)`,
        [
          article.id,
          article.type,
          article.faultMode,
          version,
          article.title,
          JSON.stringify(article.checks),
          JSON.stringify(article.steps),
          JSON.stringify(article.safetyNotes),
          JSON.stringify(article.expectedReadings),
          JSON.stringify(article.parts),
          article.createdAt,
          article.createdBy,
        ],
      );
      return { ...article, version };
    });
  }
}
