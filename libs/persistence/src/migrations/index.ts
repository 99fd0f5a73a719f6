import { InitialSchema1764000000000 } from './1764000000000-initial-schema';

/** Every migration, in order. Listed explicitly so bundling never loses one. */
export const MIGRATIONS = [InitialSchema1764000000000];
