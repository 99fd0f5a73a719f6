import { randomUUID } from 'node:crypto';
import type { OAuthFlowEvent, OAuthInteraction, OAuthPromptRequest } from './oauth-flows';

/** The statuses the reference's console polls for (plexus-behaviour section 9). */
export type LoginSessionStatus =
  'in_progress' | 'awaiting_auth' | 'awaiting_prompt' | 'awaiting_manual_code' | 'success' | 'error' | 'cancelled';

const FINISHED: ReadonlySet<LoginSessionStatus> = new Set(['success', 'error', 'cancelled']);

/** What a poll shows: never a token. */
export interface LoginSessionView {
  id: string;
  providerId: string;
  accountId: string;
  status: LoginSessionStatus;
  authInfo?: { url: string; instructions?: string; userCode?: string };
  prompt?: { message: string; placeholder?: string };
  progress: { message: string; at: number }[];
  error?: string;
  createdAt: number;
  updatedAt: number;
}

export class LoginAnswerRefused extends Error {}

interface PendingAnswer {
  kind: 'prompt' | 'manual_code';
  resolve(value: string): void;
  reject(error: Error): void;
}

/**
 * Login methods picked for a server: Anthropic's copy-code login needs no callback port
 * (the admin pastes the code Anthropic shows); elsewhere the first option, as the reference.
 */
const PREFERRED_METHODS = ['copy_code'];

/** One login of one account: bridges the flow's prompts and notices to what the management API polls and answers. */
export class LoginSession {
  readonly id = randomUUID();
  private readonly abort = new AbortController();
  private state: Omit<LoginSessionView, 'id' | 'providerId' | 'accountId'>;
  private pending: PendingAnswer | null = null;
  private readonly watchers: Array<() => void> = [];

  constructor(
    readonly providerId: string,
    readonly accountId: string,
    now: number,
  ) {
    this.state = { status: 'in_progress', progress: [], createdAt: now, updatedAt: now };
  }

  get finished(): boolean {
    return FINISHED.has(this.state.status);
  }

  get createdAt(): number {
    return this.state.createdAt;
  }

  view(): LoginSessionView {
    return { id: this.id, providerId: this.providerId, accountId: this.accountId, ...structuredClone(this.state) };
  }

  /** Resolves at the session's next change, or after `timeoutMs`. */
  nextChange(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.watchers.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The interaction handed to the flow. */
  interaction(): OAuthInteraction {
    return {
      signal: this.abort.signal,
      prompt: (prompt) => this.ask(prompt),
      notify: (event) => this.notice(event),
    };
  }

  answerPrompt(value: string): void {
    this.answer('prompt', value);
  }

  answerManualCode(value: string): void {
    this.answer('manual_code', value);
  }

  succeeded(): void {
    this.update({ status: 'success', prompt: undefined });
  }

  failed(error: unknown): void {
    if (this.finished) return;
    this.update({ status: 'error', error: error instanceof Error ? error.message : String(error), prompt: undefined });
  }

  /** Ends the flow (its callback server closes with it); `reason` set: an error, not a cancellation. */
  cancel(reason?: string): void {
    if (this.finished) return;
    this.update(
      reason ? { status: 'error', error: reason, prompt: undefined } : { status: 'cancelled', prompt: undefined },
    );
    this.pending?.reject(new Error(reason ?? 'Login cancelled'));
    this.pending = null;
    this.abort.abort();
  }

  private answer(kind: PendingAnswer['kind'], value: string): void {
    const pending = this.pending;
    if (!pending || pending.kind !== kind || this.finished)
      throw new LoginAnswerRefused(
        kind === 'prompt' ? 'The session is not waiting for a prompt answer' : 'The session is not waiting for a code',
      );
    this.pending = null;
    this.update({ status: 'in_progress', prompt: undefined });
    pending.resolve(value);
  }

  private ask(prompt: OAuthPromptRequest): Promise<string> {
    if (prompt.type === 'select') {
      const preferred = prompt.options.find((option) => PREFERRED_METHODS.includes(option.id)) ?? prompt.options[0];
      return preferred ? Promise.resolve(preferred.id) : Promise.reject(new Error('No login method offered'));
    }
    const kind: PendingAnswer['kind'] = prompt.type === 'manual_code' ? 'manual_code' : 'prompt';
    return new Promise<string>((resolve, reject) => {
      this.pending = { kind, resolve, reject };
      this.update({
        status: kind === 'manual_code' ? 'awaiting_manual_code' : 'awaiting_prompt',
        prompt: {
          message: prompt.message,
          ...(prompt.placeholder !== undefined && { placeholder: prompt.placeholder }),
        },
      });
      // The flow withdraws a manual-code prompt when its callback server got the redirect first.
      prompt.signal?.addEventListener('abort', () => {
        if (this.pending?.resolve !== resolve) return;
        this.pending = null;
        if (!this.finished) this.update({ status: 'in_progress', prompt: undefined });
        reject(new Error('Prompt withdrawn'));
      });
    });
  }

  private notice(event: OAuthFlowEvent): void {
    switch (event.type) {
      case 'auth_url':
        this.update({
          status: 'awaiting_auth',
          authInfo: { url: event.url, ...(event.instructions !== undefined && { instructions: event.instructions }) },
        });
        return;
      case 'device_code':
        this.update({
          status: 'awaiting_auth',
          authInfo: {
            url: event.verificationUri,
            instructions: `Enter code: ${event.userCode}`,
            userCode: event.userCode,
          },
        });
        return;
      case 'progress':
      case 'info':
        this.update({ progress: [...this.state.progress, { message: event.message, at: Date.now() }] });
        return;
    }
  }

  private update(change: Partial<LoginSessionView>): void {
    const next = { ...this.state, ...change, updatedAt: Date.now() };
    if ('prompt' in change && change.prompt === undefined) delete next.prompt;
    this.state = next;
    for (const watcher of this.watchers.splice(0)) watcher();
  }
}
