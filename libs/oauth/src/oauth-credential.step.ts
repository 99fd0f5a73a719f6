import { Injectable } from '@nestjs/common';
import { ErrorCode, GatewayException } from '@plexus/core';
import { catchError, defer, from, switchMap, throwError, type Observable } from 'rxjs';
import { OAuthCredentialService, OAuthLoginRequired, type OAuthAccessGrant } from './oauth-credential.service';

/** What the step needs of an attempt's upstream target (the providers lib's UpstreamTarget). */
interface AttemptTarget {
  provider: string;
  model: string;
  apiKey: string | null;
  baseUrl: string;
}

export type SubscriptionTarget<T> = T & { subscription: { provider: string; accountId?: string } };

/**
 * The request lifecycle's credential step for `oauth://` providers: the attempt goes out
 * with the account's access token (refreshed ahead of expiry), and a 401 from the upstream
 * is answered once by a refresh and the same attempt again. An account that needs a new
 * login fails the attempt as unavailable (503), so failover moves on and the target cools down.
 */
@Injectable()
export class OAuthCredentialStep {
  constructor(private readonly credentials: OAuthCredentialService) {}

  attempt<T extends AttemptTarget, C>(
    account: { provider: string; account: string } | undefined,
    upstream: T,
    send: (upstream: T | SubscriptionTarget<T>) => Observable<C>,
  ): Observable<C> {
    if (!account) return send(upstream);
    const ref = { oauthProvider: account.provider, oauthAccount: account.account };
    const sendWith = (grant: OAuthAccessGrant): Observable<C> =>
      send({
        ...upstream,
        apiKey: grant.accessToken,
        baseUrl: grant.baseUrl ?? upstream.baseUrl,
        subscription: { provider: account.provider, ...(grant.accountId && { accountId: grant.accountId }) },
      });
    return defer(() => from(this.credentials.accessTokenFor(ref))).pipe(
      switchMap((grant) =>
        sendWith(grant).pipe(
          catchError((error: unknown) =>
            isUnauthorized(error)
              ? from(this.credentials.refreshAfterRejection(ref, grant.accessToken)).pipe(switchMap(sendWith))
              : throwError(() => error),
          ),
        ),
      ),
      catchError((error: unknown) => throwError(() => unavailable(error, upstream))),
    );
  }
}

function isUnauthorized(error: unknown): boolean {
  return error instanceof GatewayException && error.body.upstream?.status === 401;
}

function unavailable(error: unknown, upstream: AttemptTarget): unknown {
  if (!(error instanceof OAuthLoginRequired)) return error;
  return new GatewayException(ErrorCode.UPSTREAM_ERROR, {
    status: 503,
    message: `${upstream.provider}/${upstream.model} is unavailable: ${error.message}`,
    upstream: { provider: upstream.provider, model: upstream.model },
    cause: error,
  });
}
