import { Inject, Injectable } from '@nestjs/common';
import type {
  CareAuditEntry,
  ComplaintAnswer,
  ComplaintCategory,
  ComplaintEscalation,
  ComplaintSource,
  ComplaintStatus,
  ComplaintUrgency,
  Language,
} from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient } from '../../database/sql-client';
import type { CareSlaClock } from '../sla/care-clock';

/** A complaint as stored; times in epoch ms. */
export interface ComplaintRecord {
  id: string;
  number: string;
  customerId: string | null;
  deviceId: string | null;
  ticketId: string | null;
  surveyId: string | null;
  requestId: string | null;
  partnerId: string | null;
  source: ComplaintSource;
  category: ComplaintCategory;
  urgency: ComplaintUrgency;
  status: ComplaintStatus;
  description: string;
  language: Language;
  region: string | null;
  investigatorId: string | null;
  findings: string | null;
  cause: string | null;
  solution: string | null;
  compensationId: string | null;
  lastAnswer: ComplaintAnswer | null;
  escalation: ComplaintEscalation;
  sentiment: number | null;
  useful: boolean;
  createdAt: number;
  updatedAt: number;
  investigateBy: number;
  solveBy: number | null;
  executedAt: number | null;
  closedAt: number | null;
  clocks: CareSlaClock[];
  audit: CareAuditEntry[];
}

interface ComplaintRow {
  id: string;
  number: string;
  customer_id: string | null;
  device_id: string | null;
  ticket_id: string | null;
  survey_id: string | null;
  request_id: string | null;
  partner_id: string | null;
  source: ComplaintSource;
  category: ComplaintCategory;
  urgency: ComplaintUrgency;
  status: ComplaintStatus;
  description: string;
  language: Language;
  region: string | null;
  investigator_id: string | null;
  findings: string | null;
  cause: string | null;
  solution: string | null;
  compensation_id: string | null;
  last_answer: ComplaintAnswer | null;
  escalation: ComplaintEscalation;
  sentiment: number | null;
  useful: boolean;
  created_at: string | number;
  updated_at: string | number;
  investigate_by: string | number;
  solve_by: string | number | null;
  executed_at: string | number | null;
  closed_at: string | number | null;
  clocks: CareSlaClock[];
  audit: CareAuditEntry[];
}

const ms = (v: string | number | null): number | null => (v === null ? null : Number(v));

const toRecord = (r: ComplaintRow): ComplaintRecord => ({
  id: r.id,
  number: r.number,
  customerId: r.customer_id,
  deviceId: r.device_id,
  ticketId: r.ticket_id,
  surveyId: r.survey_id,
  requestId: r.request_id,
  partnerId: r.partner_id,
  source: r.source,
  category: r.category,
  urgency: r.urgency,
  status: r.status,
  description: r.description,
  language: r.language,
  region: r.region,
  investigatorId: r.investigator_id,
  findings: r.findings,
  cause: r.cause,
  solution: r.solution,
  compensationId: r.compensation_id,
  lastAnswer: r.last_answer,
  escalation: r.escalation,
  sentiment: r.sentiment === null ? null : Number(r.sentiment),
  useful: r.useful,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  investigateBy: Number(r.investigate_by),
  solveBy: ms(r.solve_by),
  executedAt: ms(r.executed_at),
  closedAt: ms(r.closed_at),
  clocks: r.clocks,
  audit: r.audit,
});

/** The columns in insert order, with how each value is written. */
const COLUMNS: ReadonlyArray<readonly [string, (c: ComplaintRecord) => unknown, boolean?]> = [
  ['id', (c) => c.id],
  ['number', (c) => c.number],
  ['customer_id', (c) => c.customerId],
  ['device_id', (c) => c.deviceId],
  ['ticket_id', (c) => c.ticketId],
  ['survey_id', (c) => c.surveyId],
  ['request_id', (c) => c.requestId],
  ['partner_id', (c) => c.partnerId],
  ['source', (c) => c.source],
  ['category', (c) => c.category],
  ['urgency', (c) => c.urgency],
  ['status', (c) => c.status],
  ['description', (c) => c.description],
  ['language', (c) => c.language],
  ['region', (c) => c.region],
  ['investigator_id', (c) => c.investigatorId],
  ['findings', (c) => c.findings],
  ['cause', (c) => c.cause],
  ['solution', (c) => c.solution],
  ['compensation_id', (c) => c.compensationId],
  ['last_answer', (c) => c.lastAnswer],
  ['escalation', (c) => c.escalation],
  ['sentiment', (c) => c.sentiment],
  ['useful', (c) => c.useful],
  ['created_at', (c) => c.createdAt],
  ['updated_at', (c) => c.updatedAt],
  ['investigate_by', (c) => c.investigateBy],
  ['solve_by', (c) => c.solveBy],
  ['executed_at', (c) => c.executedAt],
  ['closed_at', (c) => c.closedAt],
  ['clocks', (c) => JSON.stringify(c.clocks), true],
  ['audit', (c) => JSON.stringify(c.audit), true],
];

export interface ComplaintFilter {
  ticketId?: string;
  customerId?: string;
  deviceId?: string;
  status?: ComplaintStatus;
  state?: 'open' | 'closed';
  /** Who may see them: a customer's own, a partner's own; applied on top of the filter. */
  scopeCustomerId?: string;
  scopePartnerId?: string;
  fromMs?: number;
  toMs?: number;
  compensationId?: string;
  limit: number;
}

@Injectable()
export class ComplaintsRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  /** The next number the customer quotes, `CP-000001` on. */
  async nextNumber(): Promise<string> {
    const [row] = await this.db.query<{ n: string | number }>("SELECT nextval('complaint_number_seq') AS n");
    return `CP-${String(row.n).padStart(6, '0')}`;
  }

  async insert(c: ComplaintRecord): Promise<void> {
    const names = COLUMNS.map(([name]) => name).join(', ');
    const values = COLUMNS.map(([, , json], i) => `$${i + 1}${json ? '::jsonb' : ''}`).join(', ');
    await this.db.query(
      `INSERT INTO complaints (${names}) VALUES (${values})`,
      COLUMNS.map(([, get]) => get(c)),
    );
  }

  /** Writes every column but the identity. */
  async update(c: ComplaintRecord): Promise<void> {
    const columns = COLUMNS.slice(1);
    const sets = columns.map(([name, , json], i) => `${name} = $${i + 2}${json ? '::jsonb' : ''}`).join(', ');
    await this.db.query(`UPDATE complaints SET ${sets} WHERE id = $1`, [
      c.id,
      ...columns.map(([, get]) => get(c)),
    ]);
  }

  async find(id: string): Promise<ComplaintRecord | undefined> {
    const rows = await this.db.query<ComplaintRow>('SELECT * FROM complaints WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Newest first. */
  async list(f: ComplaintFilter): Promise<ComplaintRecord[]> {
    const rows = await this.db.query<ComplaintRow>(
      `SELECT * FROM complaints
       WHERE ($1::text IS NULL OR ticket_id = $1) AND ($2::text IS NULL OR customer_id = $2)
         AND ($3::text IS NULL OR device_id = $3) AND ($4::text IS NULL OR status = $4)
         AND ($5::text IS NULL OR (status = 'closed') = ($5 = 'closed'))
         AND ($6::text IS NULL OR customer_id = $6) AND ($7::text IS NULL OR partner_id = $7)
         AND ($8::bigint IS NULL OR created_at >= $8) AND ($9::bigint IS NULL OR created_at < $9)
         AND ($10::text IS NULL OR compensation_id = $10)
       ORDER BY created_at DESC, id LIMIT $11`,
      [
        f.ticketId ?? null,
        f.customerId ?? null,
        f.deviceId ?? null,
        f.status ?? null,
        f.state ?? null,
        f.scopeCustomerId ?? null,
        f.scopePartnerId ?? null,
        f.fromMs ?? null,
        f.toMs ?? null,
        f.compensationId ?? null,
        f.limit,
      ],
    );
    return rows.map(toRecord);
  }

  /**
   * The complaint analysis counted in the database: one row per combination of the sliced
   * attributes over complaints created in [fromMs, toMs) (a few hundred groups at most, whatever
   * the number of complaints); the service folds them into the board's counts.
   */
  async analysisGroups(range: { fromMs?: number; toMs?: number }): Promise<ComplaintAnalysisGroup[]> {
    const rows = await this.db.query<{
      source: string;
      category: string;
      region: string | null;
      cause: string | null;
      month: string;
      status: string;
      investigate_breached: boolean;
      solve_breached: boolean;
      n: string | number;
    }>(
      `SELECT source, category, region, cause, status,
              to_char(to_timestamp(created_at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM') AS month,
              jsonb_path_exists(clocks, '$[*] ? (@.kind == "investigate" && @.breachedAtMs != null)') AS investigate_breached,
              jsonb_path_exists(clocks, '$[*] ? (@.kind == "solve" && @.breachedAtMs != null)') AS solve_breached,
              count(*) AS n
         FROM complaints
        WHERE ($1::bigint IS NULL OR created_at >= $1) AND ($2::bigint IS NULL OR created_at < $2)
        GROUP BY 1, 2, 3, 4, 5, 6, 7, 8`,
      [range.fromMs ?? null, range.toMs ?? null],
    );
    return rows.map((r) => ({
      source: r.source,
      category: r.category,
      region: r.region,
      cause: r.cause,
      month: r.month,
      status: r.status as ComplaintRecord['status'],
      investigateBreached: r.investigate_breached,
      solveBreached: r.solve_breached,
      count: Number(r.n),
    }));
  }
}

/** One group of `analysisGroups`: complaints sharing every sliced attribute, and how many. */
export interface ComplaintAnalysisGroup {
  source: string;
  category: string;
  region: string | null;
  cause: string | null;
  /** `YYYY-MM`, UTC. */
  month: string;
  status: ComplaintRecord['status'];
  investigateBreached: boolean;
  solveBreached: boolean;
  count: number;
}
