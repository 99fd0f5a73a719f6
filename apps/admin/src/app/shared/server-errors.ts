import { isFieldTree, type FieldTree, type ValidationError } from '@angular/forms/signals';
import type { ApiProblem } from '../core/api-problem';

/** The field at a server error's path (`['target_groups','0','targets','1','provider']`), if the form has it. */
export function fieldAt(root: FieldTree<unknown>, path: readonly string[]): FieldTree<unknown> | undefined {
  let node: unknown = root;
  for (const segment of path) {
    if (!isFieldTree(node)) return undefined;
    node = (node as unknown as Record<string, unknown>)[segment];
  }
  return isFieldTree(node) ? node : undefined;
}

export type FieldResolver = (path: readonly string[]) => FieldTree<unknown> | undefined;

/**
 * A failed save as submission errors: each 400 detail lands on its field when the form has one,
 * everything else (and any other failure) on the form itself.
 */
export function submissionErrors(problem: ApiProblem, resolve: FieldResolver): ValidationError.WithOptionalFieldTree[] {
  if (problem.details.length === 0) return [{ kind: 'server', message: problem.message }];
  return problem.details.map((issue) => {
    const fieldTree = issue.path.length > 0 ? resolve(issue.path) : undefined;
    if (fieldTree) return { kind: 'server', message: issue.message, fieldTree };
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { kind: 'server', message: `${where}${issue.message}` };
  });
}
