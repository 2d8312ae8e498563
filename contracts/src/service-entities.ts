import { z } from 'zod';

/**
 * Entities that several service features share (customers, technicians, dispatch, parts, SLA)
 * and that the API shows: defined once here.
 */
export const geoPointSchema = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});
export type GeoPoint = z.infer<typeof geoPointSchema>;

/** With the ticket's priority, the tier sets the SLA targets. */
export const customerTierSchema = z.enum(['standard', 'vip']);
export type CustomerTier = z.infer<typeof customerTierSchema>;

export const technicianSkillSchema = z.object({
  /** 1 = can do routine work, 3 = expert. */
  level: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  /** Fault modes the technician has repaired or trained for on this appliance type. */
  faultModes: z.array(z.string()),
});
export type TechnicianSkill = z.infer<typeof technicianSkillSchema>;

/** `busy` is on a job but may queue more; `off_duty` and `on_leave` take nothing. */
export const technicianStatusSchema = z.enum(['available', 'busy', 'off_duty', 'on_leave']);
export type TechnicianStatus = z.infer<typeof technicianStatusSchema>;

/** One shift of a technician's weekly plan, in UTC. */
export const weeklyShiftSchema = z.object({
  /** 0 = Sunday … 6 = Saturday. */
  weekday: z.number().int().min(0).max(6),
  /** Minutes after UTC midnight, [startMin, endMin); a shift past midnight has endMin < startMin. */
  startMin: z.number().int().min(0).max(1440),
  endMin: z.number().int().min(0).max(1440),
});
export type WeeklyShift = z.infer<typeof weeklyShiftSchema>;
