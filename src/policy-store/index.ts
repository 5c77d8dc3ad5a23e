/**
 * Policy layers of the server: the organisation policy (--policy file or stored), and project and
 * namespace policies plus named attestors stored through the API in policies.db.
 */
export { StoredPolicies, openStoredPolicies, parseLayerName, parseAttestorName, parsePublicKeyPem, type LayerName, type StoredLayer, type StoredAttestor } from './store.ts';
export { PolicyLayers, type PolicyLayersOptions } from './layers.ts';
export { layeredAdmissionPolicy } from './admission.ts';
