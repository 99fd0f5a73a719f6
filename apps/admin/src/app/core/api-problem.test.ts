import { HttpErrorResponse } from '@angular/common/http';
import { describe, expect, it } from 'vitest';
import { describeProblem, problemOf } from './api-problem';

const http = (status: number, error: unknown) => new HttpErrorResponse({ status, error, statusText: 'X' });

describe('problemOf', () => {
  it('reads the 400 validation shape with its field details', () => {
    const problem = problemOf(
      http(400, {
        error: 'Validation failed',
        details: [
          { path: ['api_base_url'], message: 'must be a URL', code: 'x' },
          { path: 'a.b', message: 'dotted' },
        ],
      }),
    );
    expect(problem).toEqual({
      status: 400,
      message: 'Validation failed',
      details: [
        { path: ['api_base_url'], message: 'must be a URL' },
        { path: ['a', 'b'], message: 'dotted' },
      ],
    });
  });

  it('reads {error:{message}}, {error:string} and {message}', () => {
    expect(problemOf(http(409, { error: { message: 'in use', type: 'conflict' } })).message).toBe('in use');
    expect(problemOf(http(404, { error: 'gone' })).message).toBe('gone');
    expect(problemOf(http(500, { message: 'Internal server error' })).message).toBe('Internal server error');
    expect(problemOf(http(502, null)).message).toBe('HTTP 502 X');
  });

  it('names an unreachable gateway and plain errors', () => {
    expect(problemOf(http(0, new ProgressEvent('error')))).toEqual({
      status: 0,
      message: 'The gateway could not be reached',
      details: [],
    });
    expect(problemOf(new Error('boom'))).toEqual({ status: -1, message: 'boom', details: [] });
  });

  it('describes field issues on one line', () => {
    expect(
      describeProblem({ status: 400, message: 'Validation failed', details: [{ path: ['x', '0'], message: 'bad' }] }),
    ).toBe('Validation failed: x.0: bad');
  });
});
