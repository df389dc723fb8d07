export { renderReport, writeReport, type ReportInput, type ReportRun } from "./html-report.js";
export { barChart, type BarGroup } from "./bar-chart.js";
export { escapeHtml } from "./html-escape.js";
export { diffLines, diffSequences, type DiffOp, type ReportDiff } from "./diff.js";
export type { ConfusionTable } from "./confusion-table.js";
export type { ScoreBreakdown } from "./score-table.js";
