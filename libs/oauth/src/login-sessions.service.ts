import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { OAuthCredentialRepository } from '@plexus/persistence';
import { LoginSession, type LoginSessionView } from './login-session';
import { OAUTH_FLOWS, type OAuthFlows } from './oauth-flows';

/** Sessions end after 20 minutes, finished or not; finished ones stay readable that long. */
export const LOGIN_SESSION_TTL_MS = 20 * 60 * 1000;

export class UnknownOAuthProvider extends Error {}
export class LoginSessionNotFound extends Error {}

/**
 * Login sessions of this replica, in memory (a flow's callback server lives here too).
 * A new login for the same account supersedes the one under way and frees its port.
 */
@Injectable()
export class LoginSessionsService implements OnApplicationShutdown {
  private readonly logger = new Logger('OAuthLogin');
  private readonly sessions = new Map<string, LoginSession>();

  constructor(
    @Inject(OAUTH_FLOWS) private readonly flows: OAuthFlows,
    private readonly credentials: OAuthCredentialRepository,
  ) {}

  async start(providerId: string, accountId: string): Promise<LoginSessionView> {
    const providers = await this.flows.providers();
    if (!providers.some((provider) => provider.id === providerId))
      throw new UnknownOAuthProvider(`'${providerId}' is not an OAuth provider (see /v0/management/oauth/providers)`);
    this.sweep();
    for (const existing of this.sessions.values()) {
      if (existing.providerId === providerId && existing.accountId === accountId && !existing.finished)
        existing.cancel();
    }
    const session = new LoginSession(providerId, accountId, Date.now());
    this.sessions.set(session.id, session);
    const expiry = setTimeout(() => session.cancel('The login session expired'), LOGIN_SESSION_TTL_MS);
    expiry.unref();
    this.flows.login(providerId, session.interaction()).then(
      async (tokens) => {
        clearTimeout(expiry);
        if (session.finished) return;
        await this.credentials.saveLogin({
          providerId,
          accountId,
          accessToken: tokens.access,
          refreshToken: tokens.refresh,
          extra: tokens.extra,
          expiresAt: new Date(tokens.expires),
        });
        session.succeeded();
        this.logger.log(`${providerId}/${accountId} logged in`);
      },
      (error: unknown) => {
        clearTimeout(expiry);
        session.failed(error);
        if (session.view().status === 'error')
          this.logger.warn(`${providerId}/${accountId} login failed: ${session.view().error ?? ''}`);
      },
    );
    // The flow's first notice (URL, device code or prompt) comes within moments: answer with it.
    await session.nextChange(2000);
    return session.view();
  }

  get(id: string): LoginSessionView {
    return this.session(id).view();
  }

  answerPrompt(id: string, value: string): LoginSessionView {
    const session = this.session(id);
    session.answerPrompt(value);
    return session.view();
  }

  answerManualCode(id: string, value: string): LoginSessionView {
    const session = this.session(id);
    session.answerManualCode(value);
    return session.view();
  }

  cancel(id: string): LoginSessionView {
    const session = this.session(id);
    session.cancel();
    return session.view();
  }

  onApplicationShutdown(): void {
    for (const session of this.sessions.values()) session.cancel();
  }

  private session(id: string): LoginSession {
    this.sweep();
    const session = this.sessions.get(id);
    if (!session) throw new LoginSessionNotFound(`OAuth session '${id}' not found`);
    return session;
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, session] of this.sessions) {
      if (now - session.createdAt < LOGIN_SESSION_TTL_MS) continue;
      session.cancel('The login session expired');
      this.sessions.delete(id);
    }
  }
}
