import { featureErrors } from '../../common/errors/app-error';

/** Every way the monthly report refuses a request. */
export const reportsError = featureErrors({
  /** The month is not `yyyy-mm`, or has not begun yet (`details.field = 'month'`). */
  'reports.invalid_month': 'invalid',
  /** A Chinese PDF was asked for and no font with Chinese glyphs was found (see `REPORT_CJK_FONT`). */
  'reports.cjk_font_missing': 'unavailable',
});
