/** Admission's decider and policy seen as continuous validation's DecisionEngine. */
import type { Admission, AdmissionPolicy } from '../admission/index.ts';
import type { DecisionEngine } from './validator.ts';

export function admissionEngine(admission: Pick<Admission, 'decider'>, policy: () => AdmissionPolicy): DecisionEngine {
  return {
    decide: (image, deployment) => admission.decider.decide(image, deployment),
    invalidate: (digest) => void admission.decider.cache.invalidateDigest(digest),
    revision: () => policy().revision,
  };
}
