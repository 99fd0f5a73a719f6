import { describe, expect, it } from 'vitest';
import { managedNames } from './managed';

describe('managedNames', () => {
  it('finds the objects the config file owns', () => {
    expect([...managedNames({ a: { managed: true }, b: { managed: false }, c: {}, d: null })]).toEqual(['a']);
    expect(managedNames(undefined).size).toBe(0);
  });
});
