/** Severity: CVSS scores from vectors, and distribution/database words, as Portcullis levels. */
export { cvssScore, type CvssResult, type CvssVersion } from './cvss.ts';
export { compareSeverity, severityFromScore, severityFromV2Score, severityFromWord } from './levels.ts';
export { SEVERITY_STYLE } from './style.ts';
