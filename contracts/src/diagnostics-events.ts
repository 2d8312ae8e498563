import { z } from 'zod';
import { applianceTypeSchema } from './appliance-profiles';

/** One metric the normal-behaviour model explains badly, with the band it expected. */
export const metricAttributionSchema = z.object({
  metric: z.string(),
  /** Latest reading. */
  value: z.number(),
  expectedLow: z.number(),
  expectedHigh: z.number(),
});
export type MetricAttribution = z.infer<typeof metricAttributionSchema>;

/**
 * The fleet models' assessment of a device's window that ends with the reading at `tsMs`
 * (the platform's `fleet.assessed` event).
 */
export const fleetAssessmentSchema = z.object({
  deviceId: z.string(),
  type: applianceTypeSchema,
  /** [0, 1]; 0.5 = the reconstruction error of the 99.5th percentile of healthy windows. */
  anomalyScore: z.number(),
  /** The metrics the normal-behaviour model explains worst, worst first. */
  topMetrics: z.array(metricAttributionSchema),
  /** Likeliest developing fault when a fault is more likely than not, else null. */
  faultMode: z.string().nullable(),
  /** Probability that some fault is developing (1 − P(none)). */
  faultProbability: z.number(),
  /** Estimated hours until the failure, clipped to [0, 168]. */
  hoursToFailure: z.number(),
  /** Probability of the named outcome: of faultMode if set, else of no fault. */
  confidence: z.number(),
  /** Past the type's decision rule; an alarm is raised after enough such windows in a row. */
  aboveThreshold: z.boolean(),
  /** Timestamp of the window's last reading. */
  tsMs: z.number(),
  /** The registry version of the type's models that assessed it (null: not registered). */
  modelVersion: z.number().int().nullable().optional(),
});
export type FleetAssessment = z.infer<typeof fleetAssessmentSchema>;
