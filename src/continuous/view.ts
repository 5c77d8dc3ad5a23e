/** Running images as the API and `portcullis status` show them: the record, its status and a summary. */
import { type RunningImage, type RunningStatus, statusOf } from './model.ts';

export type DeploymentView = RunningImage & { status: RunningStatus };

export interface DeploymentsSummary {
  running: number;
  compliant: number;
  violating: number;
  unevaluated: number;
}

export function deploymentView(image: RunningImage): DeploymentView {
  return { ...image, status: statusOf(image) };
}

export function summarize(images: readonly RunningImage[]): DeploymentsSummary {
  const summary: DeploymentsSummary = { running: 0, compliant: 0, violating: 0, unevaluated: 0 };
  for (const image of images) {
    if (image.endedAt !== undefined) continue;
    summary.running += 1;
    summary[statusOf(image)] += 1;
  }
  return summary;
}
