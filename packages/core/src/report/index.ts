export { renderReport, writeReport, type ReportInput } from "./html-report.js";
export { barChart, type BarGroup } from "./bar-chart.js";
export { escapeHtml } from "./html-escape.js";
