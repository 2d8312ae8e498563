import { z } from 'zod';
import { roleSchema } from './api';
import { applianceTypeSchema } from './appliance-profiles';
import {
  customerTierSchema,
  geoPointSchema,
  technicianSkillSchema,
  technicianStatusSchema,
  weeklyShiftSchema,
} from './service-entities';

/**
 * Identity and administration: who is signed in (`/api/me`), the users an admin manages
 * (`/api/users`), and the admin's edits of technicians and customers.
 */

/** The languages the browser app speaks. */
export const languageSchema = z.enum(['en', 'zh-CN']);
export type Language = z.infer<typeof languageSchema>;

const email = z.email().max(254);
/** At least 10 characters; the upper bound keeps scrypt's work bounded. */
const password = z.string().min(10).max(256);
const name = z.string().trim().min(1).max(100);
const entityId = z.string().min(1).max(64);
const region = z.string().trim().min(1).max(64);
const skills = z.partialRecord(applianceTypeSchema, technicianSkillSchema);
const weeklyShifts = z.array(weeklyShiftSchema).max(50);
const maxOpenTickets = z.number().int().min(1).max(50);

/**
 * `GET /api/me`. `language` is the user's saved choice, null until they choose one (the browser
 * then uses its own). `technicianId` only for technicians, `customerId` only for customers.
 */
export const meSchema = z.object({
  id: z.string(),
  role: roleSchema,
  email: z.string(),
  name: z.string().nullable(),
  language: languageSchema.nullable(),
  technicianId: z.string().optional(),
  customerId: z.string().optional(),
});
export type Me = z.infer<typeof meSchema>;

/** `PATCH /api/me`: saves the signed-in user's language. */
export const updateMeRequestSchema = z.strictObject({ language: languageSchema });
export type UpdateMeRequest = z.infer<typeof updateMeRequestSchema>;

/** `GET /api/users` (a list) and the answer of every `/api/users` action. Never the password hash. */
export const userViewSchema = z.object({
  id: z.string(),
  email: z.string(),
  role: roleSchema,
  name: z.string().nullable(),
  language: languageSchema.nullable(),
  /** A disabled user cannot sign in and their tokens are refused. */
  disabled: z.boolean(),
  technicianId: z.string().nullable(),
  customerId: z.string().nullable(),
  createdAt: z.number(),
});
export type UserView = z.infer<typeof userViewSchema>;

/** `GET /api/users?role=&limit=&offset=`, ordered by email. */
export const userListQuerySchema = z.object({
  role: roleSchema.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).default(0),
});
export type UserListQuery = z.infer<typeof userListQuerySchema>;

/** The technician record created with a technician's account; the name and email are the user's. */
export const newTechnicianSchema = z.strictObject({
  region,
  skills,
  /** Where the technician starts from; also their location until they report one. */
  baseLocation: geoPointSchema,
  weeklyShifts,
  /** 6 when absent. */
  maxOpenTickets: maxOpenTickets.optional(),
});
export type NewTechnician = z.infer<typeof newTechnicianSchema>;

/**
 * `POST /api/users`. A `technician` account carries `technician` (its technician record is
 * created and linked to it); a `customer` account carries the `customerId` of an existing
 * customer; other roles carry neither.
 */
export const createUserRequestSchema = z
  .strictObject({
    email,
    password,
    role: roleSchema,
    name,
    language: languageSchema.optional(),
    customerId: entityId.optional(),
    technician: newTechnicianSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.role === 'technician' && !body.technician)
      ctx.addIssue({
        code: 'custom',
        path: ['technician'],
        message: 'a technician account needs its record',
      });
    if (body.role !== 'technician' && body.technician)
      ctx.addIssue({ code: 'custom', path: ['technician'], message: 'only for role technician' });
    if (body.role === 'customer' && !body.customerId)
      ctx.addIssue({
        code: 'custom',
        path: ['customerId'],
        message: 'a customer account needs its customer',
      });
    if (body.role !== 'customer' && body.customerId)
      ctx.addIssue({ code: 'custom', path: ['customerId'], message: 'only for role customer' });
  });
export type CreateUserRequest = z.infer<typeof createUserRequestSchema>;

/** `POST /api/users/{id}/reset-password`: the new password, or none to have one generated. */
export const resetPasswordRequestSchema = z.strictObject({ password: password.optional() });
export type ResetPasswordRequest = z.infer<typeof resetPasswordRequestSchema>;

/** `temporaryPassword` only when the platform generated it: shown this one time. */
export const resetPasswordResponseSchema = z.object({ temporaryPassword: z.string().optional() });
export type ResetPasswordResponse = z.infer<typeof resetPasswordResponseSchema>;

/** `PATCH /api/technicians/{id}`: any of these; answers the technician. */
export const patchTechnicianRequestSchema = z.strictObject({
  name: name.optional(),
  region: region.optional(),
  skills: skills.optional(),
  weeklyShifts: weeklyShifts.optional(),
  baseLocation: geoPointSchema.optional(),
  status: technicianStatusSchema.optional(),
  maxOpenTickets: maxOpenTickets.optional(),
});
export type PatchTechnicianRequest = z.infer<typeof patchTechnicianRequestSchema>;

/** `PATCH /api/customers/{id}`: any of these (null clears a contact detail); answers the customer. */
export const patchCustomerRequestSchema = z.strictObject({
  tier: customerTierSchema.optional(),
  name: name.optional(),
  phone: z.string().trim().min(1).max(32).nullable().optional(),
  email: email.nullable().optional(),
});
export type PatchCustomerRequest = z.infer<typeof patchCustomerRequestSchema>;
