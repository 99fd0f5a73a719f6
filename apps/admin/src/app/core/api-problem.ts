import { HttpErrorResponse } from '@angular/common/http';

export interface ApiFieldIssue {
  readonly path: readonly string[];
  readonly message: string;
}

/** Any failed API call, reduced to what the UI shows. */
export interface ApiProblem {
  /** HTTP status; 0 when the gateway could not be reached. */
  readonly status: number;
  readonly message: string;
  /** The field errors of a 400 `{error:'Validation failed', details:[{path,message}]}`. */
  readonly details: readonly ApiFieldIssue[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function issuesOf(details: unknown): ApiFieldIssue[] {
  if (!Array.isArray(details)) return [];
  return details.filter(isRecord).map((issue) => ({
    path: Array.isArray(issue['path'])
      ? issue['path'].map(String)
      : typeof issue['path'] === 'string'
        ? issue['path'].split('.')
        : [],
    message: typeof issue['message'] === 'string' ? issue['message'] : 'Invalid value',
  }));
}

/** The management API answers errors in several shapes: `{error:'…'}`, `{error:{message}}`, `{message}`. */
function messageOf(body: unknown): string | null {
  if (typeof body === 'string' && body.trim() !== '') return body.trim().slice(0, 300);
  if (!isRecord(body)) return null;
  const error = body['error'];
  if (typeof error === 'string') return error;
  if (isRecord(error) && typeof error['message'] === 'string') return error['message'];
  if (typeof body['message'] === 'string') return body['message'];
  return null;
}

export function problemOf(error: unknown): ApiProblem {
  if (error instanceof HttpErrorResponse) {
    const body: unknown = error.error;
    if (error.status === 0) return { status: 0, message: 'The gateway could not be reached', details: [] };
    return {
      status: error.status,
      message: messageOf(body) ?? `HTTP ${error.status}${error.statusText ? ` ${error.statusText}` : ''}`,
      details: isRecord(body) ? issuesOf(body['details']) : [],
    };
  }
  return { status: -1, message: error instanceof Error ? error.message : String(error), details: [] };
}

/** One line for a banner: the message, plus the field issues that no field shows. */
export function describeProblem(problem: ApiProblem): string {
  if (problem.details.length === 0) return problem.message;
  const issues = problem.details.map((issue) =>
    issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
  );
  return `${problem.message}: ${issues.join('; ')}`;
}
