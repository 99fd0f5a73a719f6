/** What a managed object's row says instead of offering changes the API would refuse (409). */
export const MANAGED_HINT = 'Defined in the declarative config file (PLEXUS_CONFIG): change it there';

/** Names of the objects in a management list that the config file owns (`managed: true`). */
export function managedNames(list: Readonly<Record<string, unknown>> | undefined): ReadonlySet<string> {
  const names = new Set<string>();
  for (const [name, value] of Object.entries(list ?? {})) {
    if (typeof value === 'object' && value !== null && (value as { managed?: unknown }).managed === true)
      names.add(name);
  }
  return names;
}
