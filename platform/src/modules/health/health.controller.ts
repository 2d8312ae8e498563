import { Controller, Get, Header, HttpException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/auth.guard';
import { MetricsService } from './metrics.service';
import { Readiness } from './readiness';

@ApiExcludeController()
@Controller()
export class HealthController {
  constructor(
    private readonly readiness: Readiness,
    private readonly metrics: MetricsService,
  ) {}

  @Public()
  @Get('health')
  health(): { status: 'ok' } {
    const status = this.readiness.status();
    if (!status.ready) throw new HttpException({ status: 'starting', message: status.reason }, 503);
    return { status: 'ok' };
  }

  @Public()
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
