import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ApplianceType, Language, SurveyStatus } from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';

export type SurveyChannel = 'portal' | 'email_link' | 'partner' | 'engineer';

/** A customer's answer as stored; times in epoch ms. */
export interface SurveyResponseRecord {
  professionalism: number;
  attitude: number;
  effect: number;
  timeliness: number;
  overall: number | null;
  solved: boolean;
  comment: string | null;
  language: Language | null;
  sentiment: number | null;
  channel: SurveyChannel;
  /** `customer:<id>`, `partner:<id>`, `engineer:<userId>`, `link`. */
  answeredBy: string;
  answeredAt: number;
  complaintId: string | null;
  pointsAwarded: number;
}

/** A survey as stored, with the snapshot of what its answer is linked to; times in epoch ms. */
export interface SurveyRecord {
  id: string;
  ticketId: string;
  customerId: string | null;
  deviceId: string;
  technicianId: string | null;
  partLots: string[];
  firmware: string | null;
  applianceType: ApplianceType | null;
  model: string | null;
  region: string | null;
  status: SurveyStatus;
  createdAt: number;
  sendAt: number;
  sentAt: number | null;
  remindedAt: number | null;
  dueBy: number;
  updatedAt: number;
  response: SurveyResponseRecord | null;
}

type Num = string | number;
const num = (v: Num | null): number | null => (v === null ? null : Number(v));

interface SurveyRow {
  id: string;
  ticket_id: string;
  customer_id: string | null;
  device_id: string;
  technician_id: string | null;
  part_lots: string[];
  firmware: string | null;
  appliance_type: ApplianceType | null;
  model: string | null;
  region: string | null;
  status: SurveyStatus;
  created_at: Num;
  send_at: Num;
  sent_at: Num | null;
  reminded_at: Num | null;
  due_by: Num;
  updated_at: Num;
  // the response's columns (LEFT JOIN): null without an answer
  professionalism: number | null;
  attitude: number | null;
  effect: number | null;
  timeliness: number | null;
  overall: number | null;
  solved: boolean | null;
  comment: string | null;
  language: Language | null;
  sentiment: number | null;
  channel: SurveyChannel | null;
  answered_by: string | null;
  answered_at: Num | null;
  complaint_id: string | null;
  points_awarded: number | null;
}

const toRecord = (r: SurveyRow): SurveyRecord => ({
  id: r.id,
  ticketId: r.ticket_id,
  customerId: r.customer_id,
  deviceId: r.device_id,
  technicianId: r.technician_id,
  partLots: r.part_lots,
  firmware: r.firmware,
  applianceType: r.appliance_type,
  model: r.model,
  region: r.region,
  status: r.status,
  createdAt: Number(r.created_at),
  sendAt: Number(r.send_at),
  sentAt: num(r.sent_at),
  remindedAt: num(r.reminded_at),
  dueBy: Number(r.due_by),
  updatedAt: Number(r.updated_at),
  response:
    r.answered_at === null
      ? null
      : {
          professionalism: Number(r.professionalism),
          attitude: Number(r.attitude),
          effect: Number(r.effect),
          timeliness: Number(r.timeliness),
          overall: r.overall === null ? null : Number(r.overall),
          solved: r.solved === true,
          comment: r.comment,
          language: r.language,
          sentiment: r.sentiment === null ? null : Number(r.sentiment),
          channel: r.channel as SurveyChannel,
          answeredBy: r.answered_by ?? '',
          answeredAt: Number(r.answered_at),
          complaintId: r.complaint_id,
          pointsAwarded: Number(r.points_awarded ?? 0),
        },
});

const SELECT = `SELECT s.*, r.professionalism, r.attitude, r.effect, r.timeliness, r.overall, r.solved,
    r.comment, r.language, r.sentiment, r.channel, r.answered_by, r.answered_at, r.complaint_id, r.points_awarded
  FROM surveys s LEFT JOIN survey_responses r ON r.survey_id = s.id`;

export interface SurveyListFilter {
  ticketId?: string;
  customerId?: string;
  status?: SurveyStatus;
  /** Only this customer's surveys (a customer's own list). */
  scopeCustomerId?: string;
  /** Only surveys of tickets that answer this partner's service requests. */
  scopePartnerId?: string;
}

export interface SurveyCounts {
  answered: number;
  expired: number;
  pending: number;
  solved: number;
  professionalism: number | null;
  attitude: number | null;
  effect: number | null;
  timeliness: number | null;
  overall: number | null;
}

/** The surveys and their answers; no rules. */
@Injectable()
export class SurveysRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  /** Stores a new survey; false when the ticket already has one (one survey per ticket). */
  async insert(s: SurveyRecord): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `INSERT INTO surveys (id, ticket_id, customer_id, device_id, technician_id, part_lots, firmware,
         appliance_type, model, region, status, created_at, send_at, sent_at, reminded_at, due_by, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6::jsonb,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)
       ON CONFLICT (ticket_id) DO NOTHING RETURNING id`,
      [
        s.id,
        s.ticketId,
        s.customerId,
        s.deviceId,
        s.technicianId,
        JSON.stringify(s.partLots),
        s.firmware,
        s.applianceType,
        s.model,
        s.region,
        s.status,
        s.createdAt,
        s.sendAt,
        s.sentAt,
        s.remindedAt,
        s.dueBy,
        s.updatedAt,
      ],
    );
    return rows.length > 0;
  }

  async find(id: string): Promise<SurveyRecord | undefined> {
    const rows = await this.db.query<SurveyRow>(`${SELECT} WHERE s.id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async list(filter: SurveyListFilter): Promise<SurveyRecord[]> {
    const rows = await this.db.query<SurveyRow>(
      `${SELECT}
       WHERE ($1::text IS NULL OR s.ticket_id = $1)
         AND ($2::text IS NULL OR s.customer_id = $2)
         AND ($3::text IS NULL OR s.status = $3)
         AND ($4::text IS NULL OR s.customer_id = $4)
         AND ($5::text IS NULL OR EXISTS (
           SELECT 1 FROM service_requests q WHERE q.partner_id = $5 AND q.ticket_id = s.ticket_id))
       ORDER BY s.created_at DESC, s.id
       LIMIT 500`,
      [
        filter.ticketId ?? null,
        filter.customerId ?? null,
        filter.status ?? null,
        filter.scopeCustomerId ?? null,
        filter.scopePartnerId ?? null,
      ],
    );
    return rows.map(toRecord);
  }

  /**
   * Moves a survey from one of `from` to `to` with the given times; false when it was no longer
   * in one of `from` (another instance or request got there first).
   */
  async move(
    id: string,
    from: SurveyStatus[],
    to: SurveyStatus,
    atMs: number,
    times: { sentAt?: number; remindedAt?: number } = {},
  ): Promise<boolean> {
    const rows = await this.db.query<{ id: string }>(
      `UPDATE surveys SET status = $3, updated_at = $4,
         sent_at = COALESCE($5, sent_at), reminded_at = COALESCE($6, reminded_at)
       WHERE id = $1 AND status = ANY($2::text[]) RETURNING id`,
      [id, from, to, atMs, times.sentAt ?? null, times.remindedAt ?? null],
    );
    return rows.length > 0;
  }

  /**
   * Stores the answer and marks the survey answered in one transaction; false (nothing stored)
   * when the survey was no longer open.
   */
  async answer(survey: SurveyRecord, response: SurveyResponseRecord, open: SurveyStatus[]): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const moved = await tx.query<{ id: string }>(
        `UPDATE surveys SET status = 'answered', updated_at = $3
         WHERE id = $1 AND status = ANY($2::text[]) RETURNING id`,
        [survey.id, open, response.answeredAt],
      );
      if (moved.length === 0) return false;
      await tx.query(
        `INSERT INTO survey_responses (survey_id, ticket_id, customer_id, professionalism, attitude, effect,
           timeliness, overall, solved, comment, language, sentiment, channel, answered_by, answered_at,
           complaint_id, points_awarded)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`,
        [
          survey.id,
          survey.ticketId,
          survey.customerId,
          response.professionalism,
          response.attitude,
          response.effect,
          response.timeliness,
          response.overall,
          response.solved,
          response.comment,
          response.language,
          response.sentiment,
          response.channel,
          response.answeredBy,
          response.answeredAt,
          response.complaintId,
          response.pointsAwarded,
        ],
      );
      return true;
    });
  }

  async setComplaint(surveyId: string, complaintId: string): Promise<void> {
    await this.db.query('UPDATE survey_responses SET complaint_id = $2 WHERE survey_id = $1', [
      surveyId,
      complaintId,
    ]);
  }

  async setPoints(surveyId: string, points: number): Promise<void> {
    await this.db.query('UPDATE survey_responses SET points_awarded = $2 WHERE survey_id = $1', [
      surveyId,
      points,
    ]);
  }

  /** Counts and average scores over every survey that went out (or was answered). */
  async counts(): Promise<SurveyCounts> {
    const [row] = await this.db.query<{
      answered: Num;
      expired: Num;
      pending: Num;
      solved: Num;
      professionalism: Num | null;
      attitude: Num | null;
      effect: Num | null;
      timeliness: Num | null;
      overall: Num | null;
    }>(
      `SELECT
         COUNT(*) FILTER (WHERE s.status = 'answered') AS answered,
         COUNT(*) FILTER (WHERE s.status = 'expired') AS expired,
         COUNT(*) FILTER (WHERE s.status IN ('sent', 'reminded')) AS pending,
         COUNT(*) FILTER (WHERE r.solved) AS solved,
         AVG(r.professionalism) AS professionalism,
         AVG(r.attitude) AS attitude,
         AVG(r.effect) AS effect,
         AVG(r.timeliness) AS timeliness,
         AVG(r.overall) AS overall
       FROM surveys s LEFT JOIN survey_responses r ON r.survey_id = s.id`,
    );
    return {
      answered: Number(row.answered),
      expired: Number(row.expired),
      pending: Number(row.pending),
      solved: Number(row.solved),
      professionalism: num(row.professionalism),
      attitude: num(row.attitude),
      effect: num(row.effect),
      timeliness: num(row.timeliness),
      overall: num(row.overall),
    };
  }

  /** The customer's saved language (their portal account's), if they have one. */
  async customerLanguage(customerId: string): Promise<Language | null> {
    const rows = await this.db.query<{ language: string | null }>(
      `SELECT language FROM users WHERE customer_id = $1 AND role = 'customer' AND language IS NOT NULL
       ORDER BY created_at LIMIT 1`,
      [customerId],
    );
    const language = rows[0]?.language;
    return language === 'zh-CN' ? 'zh-CN' : language === 'en' ? 'en' : null;
  }

  /** The key survey links are signed with: made once, shared by every instance on this database. */
  async linkKey(nowMs: number): Promise<string> {
    await this.db.query(
      'INSERT INTO survey_link_keys (id, secret, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING',
      [randomBytes(32).toString('base64url'), nowMs],
    );
    const [row] = await this.db.query<{ secret: string }>('SELECT secret FROM survey_link_keys WHERE id = 1');
    return row.secret;
  }
}
