/**
 * The policy layers of `portcullis serve` (docs/policy-layers.md): --policy FILE is the
 * organisation layer, reloaded when it changes; project and namespace layers and named attestors
 * are managed through /api/v1/policies and /api/v1/attestors and stored in policies.db.
 */
import type { Logger } from '../../core/index.ts';
import type { CompiledLayer } from '../../policy/index.ts';
import { PolicyLayers, openStoredPolicies } from '../../policy-store/index.ts';
import { policiesApi } from '../../server/api/policies.ts';
import type { ServerExtension } from '../../server/index.ts';

export const POLICY_OPTIONS = {
  policy: { type: 'string' },
} as const;

export const POLICY_HELP = `Policy layers (docs/policy-layers.md; project and namespace layers via /api/v1/policies):
      --policy FILE       the organisation policy: applies to every pull and admission (reloaded
                          when it changes; while given, the API cannot change the organisation layer)`;

export interface ServePolicy {
  layers: PolicyLayers;
  /** The layers a pull from the project is decided by, besides its gate settings. */
  pullLayers(project: string): CompiledLayer[];
  extension: ServerExtension;
  close(): void;
}

export async function openServePolicy(values: { policy?: string | undefined }, dataDir: string, logger: Logger): Promise<ServePolicy> {
  const store = openStoredPolicies(dataDir);
  try {
    const layers = await PolicyLayers.open({ store, logger, ...(values.policy !== undefined && { file: values.policy }) });
    layers.watch();
    return {
      layers,
      pullLayers: (project) => layers.layers(['organisation', `project:${project}`]),
      extension: policiesApi({ store, layers }),
      close: () => {
        layers.close();
        store.close();
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}
