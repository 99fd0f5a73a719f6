// Validates rendered objects against the Kubernetes OpenAPI schemas shipped by
// kubernetes-models (and the Prometheus operator's for ServiceMonitor).

const MODULES = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'batch/v1': 'kubernetes-models/batch/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
};

/** Throws, naming the object and the schema violation, unless `object` is a valid object of its kind. */
export async function validateObject(object) {
  const where = `${object.kind} ${object.metadata?.name}`;
  const module = MODULES[object.apiVersion];
  if (!module) throw new Error(`${where}: no schema known for apiVersion ${object.apiVersion}`);
  const Model = (await import(module))[object.kind];
  if (!Model) throw new Error(`${where}: ${object.apiVersion} has no kind ${object.kind}`);
  try {
    new Model(object).validate();
  } catch (error) {
    throw new Error(`${where}: ${error.message}`, { cause: error });
  }
}
