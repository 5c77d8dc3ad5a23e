/**
 * The admission policy of a server with policy layers: for each request, the organisation layer,
 * the layer stored for the request's namespace, and the --admission-policy file's layers (when
 * given) are evaluated together; the strictest wins and the decision's decidedBy names the layer.
 */
import { createHash } from 'node:crypto';
import type { AdmissionPolicy } from '../admission/index.ts';
import { evaluate, type CompiledLayer, type PolicyInput } from '../policy/index.ts';
import { trustedKey } from '../signing/index.ts';
import type { PolicyLayers } from './layers.ts';

/**
 * The admission policy in force now. `file` is the --admission-policy holder's current policy, if
 * any. Memoised per revision: admission calls this for every image.
 */
export function layeredAdmissionPolicy(layers: PolicyLayers, file?: () => AdmissionPolicy): () => AdmissionPolicy {
  let memo: AdmissionPolicy | undefined;
  return () => {
    const base = file?.();
    const revision = `sha256:${createHash('sha256').update(JSON.stringify([layers.revision(), base?.revision ?? ''])).digest('hex')}`;
    if (memo?.revision === revision) return memo;
    const baseKeys = base?.attestorKeys ?? [];
    const known = new Set(baseKeys.map((key) => key.keyId));
    const layerKeys = layers
      .attestorKeys()
      .map((key, index) => trustedKey(`policy-layer-key-${index + 1}`, key))
      .filter((key) => !known.has(key.keyId));
    const baseLayers: readonly CompiledLayer[] = base?.compiled?.layers ?? [];
    memo = {
      revision,
      attestorKeys: [...baseKeys, ...layerKeys],
      evaluate: (input: PolicyInput) => {
        const namespace = input.deployment?.namespace;
        const chosen = layers.layers(namespace === undefined ? ['organisation'] : ['organisation', `namespace:${namespace}`]);
        return evaluate({ layers: [...chosen, ...baseLayers], revision }, input);
      },
    };
    return memo;
  };
}
