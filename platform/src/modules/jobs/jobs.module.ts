import { Global, Module } from '@nestjs/common';
import { JobScheduler } from './job-scheduler.service';
import { ScheduledJobsRepository } from './scheduled-jobs.repository';

/** Scheduled jobs in the relational store, for every feature's timed work. */
@Global()
@Module({
  providers: [JobScheduler, ScheduledJobsRepository],
  exports: [JobScheduler],
})
export class JobsModule {}
