export {
  runFixChecks,
  describeCheck,
  FIX_BUG_CHECKS,
  type FixBugCheck,
  type FixBugCheckName,
  type FixBugTarget,
  type FixChecksOptions,
  type FixChecksResult,
} from "./grade-fix.js";
export { surveyCode, missingFunctions, newFindings, type CodeSurvey, type ReviewFinding } from "./code-survey.js";
