import { Inject, Injectable } from '@nestjs/common';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import type { HelpArticleSeed } from './help-articles.data';

type Text = HelpArticleSeed['title'];

interface ArticleRow {
  id: string;
  type: string;
  cause: string;
  title: Text;
  summary: Text;
  steps: Text[];
  metrics: string[];
}

const toArticle = (r: ArticleRow): HelpArticleSeed => ({
  id: r.id,
  type: r.type,
  cause: r.cause,
  title: r.title,
  summary: r.summary,
  steps: r.steps,
  metrics: r.metrics,
});

@Injectable()
export class HelpArticlesRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  /** Writes the articles as given (a changed one replaces the stored one), in this order. */
  async upsert(articles: readonly HelpArticleSeed[], nowMs: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const [position, a] of articles.entries()) {
        await tx.query(
          `INSERT INTO help_articles (id, type, cause, title, summary, steps, metrics, position, updated_at)
           VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7::jsonb, $8, $9)
           ON CONFLICT (id) DO UPDATE SET type = EXCLUDED.type, cause = EXCLUDED.cause, title = EXCLUDED.title,
             summary = EXCLUDED.summary, steps = EXCLUDED.steps, metrics = EXCLUDED.metrics,
             position = EXCLUDED.position, updated_at = EXCLUDED.updated_at`,
          [
            a.id,
            a.type,
            a.cause,
            JSON.stringify(a.title),
            JSON.stringify(a.summary),
            JSON.stringify(a.steps),
            JSON.stringify(a.metrics),
            position,
            nowMs,
          ],
        );
      }
    });
  }

  /** Every article of these types (all when none given), in their seeded order. */
  async list(types?: string[]): Promise<HelpArticleSeed[]> {
    const rows = await this.db.query<ArticleRow>(
      'SELECT * FROM help_articles WHERE ($1::text[] IS NULL OR type = ANY($1::text[])) ORDER BY position, id',
      [types ?? null],
    );
    return rows.map(toArticle);
  }

  async find(id: string): Promise<HelpArticleSeed | undefined> {
    const rows = await this.db.query<ArticleRow>('SELECT * FROM help_articles WHERE id = $1', [id]);
    return rows[0] ? toArticle(rows[0]) : undefined;
  }
}
