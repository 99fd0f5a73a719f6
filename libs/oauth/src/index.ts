export { OAuthModule } from './oauth.module';
export { OAuthEndpointOverrides } from './endpoint-overrides';
export * from './oauth-flows';
export { LoginAnswerRefused, type LoginSessionStatus, type LoginSessionView } from './login-session';
export {
  LOGIN_SESSION_TTL_MS,
  LoginSessionNotFound,
  LoginSessionsService,
  UnknownOAuthProvider,
} from './login-sessions.service';
export {
  OAuthCredentialService,
  OAuthLoginRequired,
  REFRESH_AHEAD_MS,
  type OAuthAccessGrant,
  type OAuthAccountRef,
} from './oauth-credential.service';
export { OAuthCredentialStep, type SubscriptionTarget } from './oauth-credential.step';
