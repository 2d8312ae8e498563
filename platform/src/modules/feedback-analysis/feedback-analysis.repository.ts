import { Inject, Injectable } from '@nestjs/common';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

/** A free text (survey comment or complaint description) with what the analysis slices it by. */
export interface FeedbackTextRow {
  text: string;
  language: string | null;
  sentiment: number | null;
  at: number;
  type: string | null;
}

/** One survey answer's four dimensions and its overall score. */
export interface SurveyScoresRow {
  professionalism: number;
  attitude: number;
  effect: number;
  timeliness: number;
  overall: number | null;
}

interface Window {
  fromMs: number;
  toMs: number;
  type?: string;
}

/** Reads the surveys' answers (migration 13) and the complaints (migration 14), read-only. */
@Injectable()
export class FeedbackAnalysisRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async complaintTexts(w: Window): Promise<FeedbackTextRow[]> {
    const rows = await this.db.query<{
      text: string;
      language: string | null;
      sentiment: number | null;
      at: string | number;
      type: string | null;
    }>(
      `SELECT c.description AS text, c.language, c.sentiment, c.created_at AS at, d.type
       FROM complaints c LEFT JOIN devices d ON d.id = c.device_id
       WHERE c.created_at >= $1 AND c.created_at < $2 AND ($3::text IS NULL OR d.type = $3)
       ORDER BY c.created_at`,
      [w.fromMs, w.toMs, w.type ?? null],
    );
    return rows.map((r) => ({
      ...r,
      at: Number(r.at),
      sentiment: r.sentiment === null ? null : Number(r.sentiment),
    }));
  }

  async surveyComments(w: Window): Promise<FeedbackTextRow[]> {
    const rows = await this.db.query<{
      text: string;
      language: string | null;
      sentiment: number | null;
      at: string | number;
      type: string | null;
    }>(
      `SELECT r.comment AS text, r.language, r.sentiment, r.answered_at AS at, s.appliance_type AS type
       FROM survey_responses r JOIN surveys s ON s.id = r.survey_id
       WHERE r.comment IS NOT NULL AND btrim(r.comment) <> '' AND r.answered_at >= $1 AND r.answered_at < $2
         AND ($3::text IS NULL OR s.appliance_type = $3)
       ORDER BY r.answered_at`,
      [w.fromMs, w.toMs, w.type ?? null],
    );
    return rows.map((r) => ({
      ...r,
      at: Number(r.at),
      sentiment: r.sentiment === null ? null : Number(r.sentiment),
    }));
  }

  async surveyScores(w: Window): Promise<SurveyScoresRow[]> {
    const rows = await this.db.query<Record<keyof SurveyScoresRow, string | number | null>>(
      `SELECT r.professionalism, r.attitude, r.effect, r.timeliness, r.overall
       FROM survey_responses r JOIN surveys s ON s.id = r.survey_id
       WHERE r.answered_at >= $1 AND r.answered_at < $2 AND ($3::text IS NULL OR s.appliance_type = $3)`,
      [w.fromMs, w.toMs, w.type ?? null],
    );
    return rows.map((r) => ({
      professionalism: Number(r.professionalism),
      attitude: Number(r.attitude),
      effect: Number(r.effect),
      timeliness: Number(r.timeliness),
      overall: r.overall === null ? null : Number(r.overall),
    }));
  }
}
