/**
 * The output options a report is built and laid out with, besides the data: one set for every
 * format (report/ reads `generatedBy` and `top`, render/ the rest).
 */
export interface ReportOptions {
  /** `dqlite-analyze 0.1.0` */
  generatedBy: string;
  /** Rows per table (--top). */
  top: number;
  /** ANSI colours; only the text format uses them (only on a terminal; the CLI decides). */
  color: boolean;
  /** Only the first screen: verdict, findings, top writer, storage (--summary). */
  summary?: boolean | undefined;
  /** Columns of the text report (80; --wide: the terminal's). */
  width?: number | undefined;
  /** Long manifests in full in the text report (--full-remediation) instead of a pointer to them. */
  fullRemediation?: boolean | undefined;
}
