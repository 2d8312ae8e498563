// What every part of a board shares: its query (period, filters, tab), the names of organisations
// and technicians, and the drill-down it opens.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { KpiGroupBy, KpiName, KpiUnit } from '../../../contracts/src';
import { defaultPeriod, type BoardQuery, type Namers } from './kpi-data';

export type BoardId = 'quality' | 'efficiency' | 'staff' | 'service';

/** The records behind one number: a KPI, optionally one group of a slice. */
export interface DrillTarget {
  name: KpiName;
  /** How the rows' values read (hours, money...). */
  unit?: KpiUnit;
  groupBy?: KpiGroupBy;
  group?: string;
  /** The group in words, for the panel's title. */
  groupText?: string;
}

export interface BoardState {
  board: BoardId;
  query: BoardQuery;
  namers: Namers;
  /** KPIs whose warning line is per month (drawn per month on monthly charts). */
  perMonth: ReadonlySet<KpiName>;
  openDrill: (target: DrillTarget) => void;
}

export const BoardContext = createContext<BoardState>({
  board: 'quality',
  query: defaultPeriod(),
  namers: { orgs: new Map(), technicians: new Map() },
  perMonth: new Set(),
  openDrill: () => undefined,
});

export function useBoard(): BoardState {
  return useContext(BoardContext);
}
