/**
 * CycloneDX 1.6 `evidence.occurrences` (where in the target a component was found), which
 * @cyclonedx/cyclonedx-library 10 does not model. The library's own extension points carry it: an
 * evidence model with the extra field and a normalizer factory that renders it. Everything else is
 * the library's serialization unchanged.
 */
import { Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';

type NormalizedEvidence = Serialize.JSON.Types.Normalized.ComponentEvidence & {
  occurrences?: Array<{ location: string }>;
};

/** Component evidence that also lists the paths that declared the component. */
export class OccurrenceEvidence extends Models.ComponentEvidence {
  readonly occurrences: readonly string[];

  constructor(occurrences: readonly string[]) {
    super();
    this.occurrences = occurrences;
  }
}

class OccurrenceEvidenceNormalizer extends Serialize.JSON.Normalize.ComponentEvidenceNormalizer {
  override normalize(data: Models.ComponentEvidence, options: Serialize.Types.NormalizerOptions): NormalizedEvidence {
    const normalized: NormalizedEvidence = super.normalize(data, options);
    if (data instanceof OccurrenceEvidence && data.occurrences.length > 0) {
      normalized.occurrences = data.occurrences.map((location) => ({ location }));
    }
    return normalized;
  }
}

class OccurrenceNormalizerFactory extends Serialize.JSON.Normalize.Factory {
  override makeForComponentEvidence(): Serialize.JSON.Normalize.ComponentEvidenceNormalizer {
    return new OccurrenceEvidenceNormalizer(this);
  }
}

/** The CycloneDX 1.6 JSON serializer, able to write occurrences. */
export function cycloneDx16Serializer(): Serialize.JsonSerializer {
  return new Serialize.JsonSerializer(new OccurrenceNormalizerFactory(Spec.Spec1dot6));
}
