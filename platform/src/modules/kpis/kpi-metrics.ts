import { Injectable, OnModuleInit } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { Clock } from '../../common/clock/clock';
import { MetricsService } from '../health/metrics.service';
import { KpiService } from './kpi.service';

const PERIOD_MS = 30 * 86_400_000;
/** A scrape reuses KPIs computed this recently: the boards' queries are not free. */
const CACHE_MS = 60_000;

/** The KPIs of the last 30 days as Prometheus gauges: `service_kpi{name="first_time_fix_rate"}`. */
@Injectable()
export class KpiMetrics implements OnModuleInit {
  private cached: { at: number; values: Array<{ name: string; value: number }> } | null = null;

  constructor(
    private readonly metrics: MetricsService,
    private readonly kpis: KpiService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    const read = () => this.values();
    new Gauge({
      name: 'service_kpi',
      help: 'After-sales KPIs over the last 30 days (rates as fractions; see docs/kpis.md); absent when no data',
      labelNames: ['name'],
      registers: [this.metrics.registry],
      async collect() {
        this.reset();
        for (const { name, value } of await read()) this.labels(name).set(value);
      },
    });
  }

  private async values(): Promise<Array<{ name: string; value: number }>> {
    const now = this.clock.now();
    if (this.cached && now - this.cached.at < CACHE_MS) return this.cached.values;
    const answer = await this.kpis.compute({ fromMs: now - PERIOD_MS, toMs: now + 1 });
    const values = answer.kpis.flatMap((k) => (k.value === null ? [] : [{ name: k.name, value: k.value }]));
    this.cached = { at: now, values };
    return values;
  }
}
