import { McpSessionTokens } from './mcp-session-token';

describe('McpSessionTokens', () => {
  const tokens = new McpSessionTokens('admin-secret');
  const claims = { server: 'github', upstream: 'up-123', keyId: 4, caller: 'laptop' };

  it('round-trips the claims any replica needs', () => {
    const token = tokens.sign(claims);
    expect(token).toMatch(/^plx1\.[\w-]+\.[\w-]+$/);
    expect(tokens.verify(token)).toEqual(claims);
    expect(new McpSessionTokens('admin-secret').verify(token)).toEqual(claims);
  });

  it('refuses a token that was altered, signed with another secret, or is not one of ours', () => {
    const token = tokens.sign(claims);
    const [prefix, , mac] = token.split('.');
    const forged = Buffer.from(JSON.stringify(['github', 'up-123', 4, 'someone-else'])).toString('base64url');
    expect(tokens.verify(`${prefix}.${forged}.${mac}`)).toBeNull();
    expect(new McpSessionTokens('other-secret').verify(token)).toBeNull();
    expect(tokens.verify('3f2a-upstream-session')).toBeNull();
    expect(tokens.verify(`${token}.extra`)).toBeNull();
  });
});
