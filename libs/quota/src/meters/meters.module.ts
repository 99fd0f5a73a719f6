import { Module } from '@nestjs/common';
import { BUILT_IN_CHECKERS } from './checkers';
import { MeterScheduler, QUOTA_CHECKERS } from './meter-scheduler.service';
import { MeterState } from './meter-state.service';

/**
 * Provider quota meters: checkers polling each upstream's balance or rate-limit windows,
 * and the state routing reads to skip exhausted providers and rank by headroom.
 * Needs the global PersistenceModule and ScheduleModule.
 */
@Module({
  providers: [{ provide: QUOTA_CHECKERS, useValue: BUILT_IN_CHECKERS }, MeterState, MeterScheduler],
  exports: [MeterState, MeterScheduler],
})
export class MetersModule {}
