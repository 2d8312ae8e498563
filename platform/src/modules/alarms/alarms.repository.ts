import { Inject, Injectable } from '@nestjs/common';
import type {
  ActorKind,
  Alarm,
  AlarmHistoryAction,
  AlarmHistoryEntry,
  AlarmState,
} from '../../../../contracts/src';
import { SQL_CLIENT, type SqlClient, type SqlExecutor } from '../../database/sql-client';

interface AlarmRow {
  id: string;
  device_id: string;
  cause: string;
  severity: Alarm['severity'];
  state: AlarmState;
  message: string;
  details: Record<string, unknown> | string;
  raised_at: number;
  updated_at: number;
  cleared_at: number | null;
  count: number;
}

interface HistoryRow {
  at: number;
  action: AlarmHistoryAction;
  actor_id: string;
  actor_role: ActorKind;
  comment: string | null;
}

const toHistoryEntry = (r: HistoryRow): AlarmHistoryEntry => ({
  at: Number(r.at),
  action: r.action,
  actorId: r.actor_id,
  actorRole: r.actor_role,
  comment: r.comment,
});

const toAlarm = (r: AlarmRow): Alarm => ({
  id: r.id,
  deviceId: r.device_id,
  cause: r.cause,
  severity: r.severity,
  state: r.state,
  message: r.message,
  details: typeof r.details === 'string' ? JSON.parse(r.details) : r.details,
  raisedAt: r.raised_at,
  updatedAt: r.updated_at,
  clearedAt: r.cleared_at,
  count: r.count,
});

@Injectable()
export class AlarmsRepository {
  constructor(@Inject(SQL_CLIENT) private readonly db: SqlClient) {}

  async open(): Promise<Alarm[]> {
    return (await this.db.query<AlarmRow>("SELECT * FROM alarms WHERE state <> 'cleared'")).map(toAlarm);
  }

  async openForDevice(deviceId: string): Promise<Alarm[]> {
    return (
      await this.db.query<AlarmRow>("SELECT * FROM alarms WHERE device_id = $1 AND state <> 'cleared'", [
        deviceId,
      ])
    ).map(toAlarm);
  }

  async find(id: string): Promise<Alarm | undefined> {
    const rows = await this.db.query<AlarmRow>('SELECT * FROM alarms WHERE id = $1', [id]);
    return rows[0] ? toAlarm(rows[0]) : undefined;
  }

  async list(filter: { deviceIds?: string[]; state?: AlarmState; limit: number }): Promise<Alarm[]> {
    const rows = await this.db.query<AlarmRow>(
      `SELECT * FROM alarms
       WHERE ($1::text[] IS NULL OR device_id = ANY($1)) AND ($2::text IS NULL OR state = $2)
       ORDER BY raised_at DESC, id LIMIT $3`,
      [filter.deviceIds ?? null, filter.state ?? null, filter.limit],
    );
    return rows.map(toAlarm);
  }

  /** Stores the alarm's new state, with the step of its history that changed it, in one transaction. */
  async upsert(alarm: Alarm, step?: AlarmHistoryEntry): Promise<void> {
    if (!step) return upsertAlarm(this.db, alarm);
    await this.db.transaction(async (tx) => {
      await upsertAlarm(tx, alarm);
      await tx.query(
        `INSERT INTO alarm_history (alarm_id, at, action, actor_id, actor_role, comment)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [alarm.id, step.at, step.action, step.actorId, step.actorRole, step.comment],
      );
    });
  }

  /** The alarm's history, oldest first. */
  async history(alarmId: string): Promise<AlarmHistoryEntry[]> {
    const rows = await this.db.query<HistoryRow>(
      'SELECT at, action, actor_id, actor_role, comment FROM alarm_history WHERE alarm_id = $1 ORDER BY id',
      [alarmId],
    );
    return rows.map(toHistoryEntry);
  }
}

async function upsertAlarm(db: SqlExecutor, alarm: Alarm): Promise<void> {
  await db.query(
    `INSERT INTO alarms (id, device_id, cause, severity, state, message, details, raised_at, updated_at, cleared_at, count)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (id) DO UPDATE SET severity = EXCLUDED.severity, state = EXCLUDED.state, message = EXCLUDED.message,
         details = EXCLUDED.details, updated_at = EXCLUDED.updated_at, cleared_at = EXCLUDED.cleared_at, count = EXCLUDED.count`,
    [
      alarm.id,
      alarm.deviceId,
      alarm.cause,
      alarm.severity,
      alarm.state,
      alarm.message,
      JSON.stringify(alarm.details),
      alarm.raisedAt,
      alarm.updatedAt,
      alarm.clearedAt,
      alarm.count,
    ],
  );
}
