import { z } from 'zod';
import { applianceTypeSchema } from './appliance-profiles';

/**
 * What a prediction alarm's details say about the failure, recomputed at every assessment of
 * the device: absolute times (epoch ms) so that a page says "in about N" against its own now.
 * `expectedFailureEarliestAt`/`LatestAt` bound the estimate: the model's time-to-failure error
 * on its validation fleet (`validation_ttf_mae`) around the latest estimate, widened to cover
 * the device's recent estimates; `recent_spread` when the model has no validation error.
 */
export const predictionEstimateSchema = z.object({
  /** Real hours from the assessed reading to the failure (after the model time scale). */
  hoursToFailure: z.number().min(0),
  expectedFailureAt: z.number(),
  expectedFailureEarliestAt: z.number(),
  expectedFailureLatestAt: z.number(),
  /** Time of the reading the latest assessment ended with. */
  assessedAt: z.number(),
  intervalBasis: z.enum(['validation_ttf_mae', 'recent_spread']),
});
export type PredictionEstimate = z.infer<typeof predictionEstimateSchema>;

/** `from`/`to` as ISO-8601 or epoch ms. */
const timeParam = z
  .string()
  .trim()
  .min(1)
  .refine((value) => Number.isFinite(/^\d+$/.test(value) ? Number(value) : Date.parse(value)), {
    message: 'an ISO-8601 time or epoch milliseconds',
  });

/** `GET /api/models/prediction-outcomes?type=&from=&to=`: predictions first raised in [from, to). */
export const predictionOutcomesQuerySchema = z.strictObject({
  type: applianceTypeSchema.optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
});
export type PredictionOutcomesQuery = z.infer<typeof predictionOutcomesQuerySchema>;

/**
 * `came_true`: a repair on the device resolved the predicted fault mode (a part of that mode
 * used, or the root cause names it) within the horizon; `did_not`: the horizon passed with no
 * such repair, or the device was repaired for another fault mode; `pending`: neither yet.
 */
export const predictionOutcomeSchema = z.enum(['came_true', 'did_not', 'pending']);
export type PredictionOutcome = z.infer<typeof predictionOutcomeSchema>;

/** The predictions of one model version and how they turned out. */
export const predictionOutcomeRowSchema = z.object({
  /** `fleet-<type>`. */
  model: z.string(),
  /** Null for alarms raised before models were versioned. */
  modelVersion: z.number().nullable(),
  type: applianceTypeSchema,
  predictions: z.number().int(),
  cameTrue: z.number().int(),
  didNot: z.number().int(),
  pending: z.number().int(),
  /** cameTrue / (cameTrue + didNot); null while none is decided. */
  precision: z.number().nullable(),
  /** Median hours from the prediction first raised to the repair, over those that came true. */
  medianLeadTimeHours: z.number().nullable(),
});
export type PredictionOutcomeRow = z.infer<typeof predictionOutcomeRowSchema>;

export const predictionOutcomesAnswerSchema = z.object({
  from: z.number(),
  to: z.number(),
  /** Hours after the latest bound a repair still counts. */
  graceHours: z.number(),
  rows: z.array(predictionOutcomeRowSchema),
});
export type PredictionOutcomesAnswer = z.infer<typeof predictionOutcomesAnswerSchema>;
