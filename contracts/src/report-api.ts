import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// The monthly after-sales report (issue 12, "Boards and report"): HTML or PDF, archived.

/** A calendar month, `yyyy-mm` (UTC). */
export const reportMonthSchema = z
  .string()
  .trim()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'a month as yyyy-mm' });

/** The report's language on the wire: `en`, `zh` (or `zh-CN`). */
export const reportLangSchema = z
  .enum(['en', 'zh', 'zh-CN'])
  .transform((value) => (value === 'en' ? ('en' as const) : ('zh-CN' as const)));

export const reportFormatSchema = z.enum(['html', 'pdf']);
export type ReportFormat = z.infer<typeof reportFormatSchema>;

/** `GET /api/reports/monthly/{yyyy-mm}?format=html|pdf&lang=en|zh&refresh=1` */
export const monthlyReportQuerySchema = z.object({
  format: reportFormatSchema.default('html'),
  /** Default: the signed-in user's language. */
  lang: reportLangSchema.optional(),
  /** `1`: generate again (and archive) instead of serving the archived copy. */
  refresh: z.enum(['0', '1', 'true', 'false']).optional(),
});
export type MonthlyReportQueryInput = z.input<typeof monthlyReportQuerySchema>;
export type MonthlyReportQuery = z.infer<typeof monthlyReportQuerySchema>;

/** One archived report: `GET /api/reports/monthly` lists them, newest month first. */
export const archivedReportSchema = z.object({
  month: z.string(),
  lang: z.enum(['en', 'zh-CN']),
  generatedAt: z.string(),
  /** The user who asked for it, or `scheduler` for the run on the 1st. */
  generatedBy: z.string(),
  htmlBytes: z.number().int(),
  pdfBytes: z.number().int().nullable(),
  /** Where to read it: `/api/reports/monthly/2026-11?lang=en`. */
  htmlUrl: z.string(),
  pdfUrl: z.string().nullable(),
});
export type ArchivedReport = z.infer<typeof archivedReportSchema>;

export const archivedReportListSchema = z.object({ items: z.array(archivedReportSchema) });
export type ArchivedReportList = z.infer<typeof archivedReportListSchema>;
