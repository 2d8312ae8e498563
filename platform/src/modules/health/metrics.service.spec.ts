import pino from 'pino';
import { DomainEvents } from '../../common/events/domain-events';
import { MetricsService } from './metrics.service';

describe('MetricsService', () => {
  it('counts failing domain event listeners by event in /metrics', async () => {
    const events = new DomainEvents(pino({ level: 'silent' }));
    const metrics = new MetricsService(events);
    events.on('telemetry.accepted', () => {
      throw new Error('listener bug');
    });

    events.emit('telemetry.accepted', { deviceId: 'dev-1', type: 'washer', tsMs: 1, metrics: {} });
    events.emit('telemetry.accepted', { deviceId: 'dev-1', type: 'washer', tsMs: 2, metrics: {} });

    expect(await metrics.registry.getSingleMetricAsString('domain_event_listener_errors_total')).toContain(
      'domain_event_listener_errors_total{event="telemetry.accepted"} 2',
    );
  });
});
