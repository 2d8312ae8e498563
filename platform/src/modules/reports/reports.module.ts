import { Module } from '@nestjs/common';
import { KpisModule } from '../kpis/kpis.module';
import { MonthlyReportData } from './monthly-report-data.service';
import { MonthlyReportService } from './monthly-report.service';
import { ReportsController } from './reports.controller';
import { ReportsRepository } from './reports.repository';

/** The monthly after-sales report: HTML and PDF, archived, generated and e-mailed on the 1st. */
@Module({
  imports: [KpisModule],
  controllers: [ReportsController],
  providers: [ReportsRepository, MonthlyReportData, MonthlyReportService],
  exports: [MonthlyReportService],
})
export class ReportsModule {}
