import { filterToolsResult, filtersTools, mayUseServer, toolVisible } from './mcp-tool-policy';

describe('MCP key policy', () => {
  it('admits every server without an allow list, and only the listed ones with one', () => {
    expect(mayUseServer({}, 'github')).toBe(true);
    expect(mayUseServer({ allowedMcpServers: [] }, 'github')).toBe(true);
    expect(mayUseServer({ allowedMcpServers: ['jira'] }, 'github')).toBe(false);
  });

  it("shows a server's tools as its allow list minus its deny list", () => {
    const policy = { mcpToolPolicy: { github: { allow: ['search', 'delete_repo'], deny: ['delete_repo'] } } };
    expect(toolVisible(policy, 'github', 'search')).toBe(true);
    expect(toolVisible(policy, 'github', 'delete_repo')).toBe(false);
    expect(toolVisible(policy, 'github', 'create_issue')).toBe(false);
    expect(toolVisible(policy, 'jira', 'anything')).toBe(true);
    expect(filtersTools(policy, 'github')).toBe(true);
    expect(filtersTools(policy, 'jira')).toBe(false);
  });

  it('filters a tools/list result and keeps its other fields', () => {
    const result = { tools: [{ name: 'a' }, { name: 'b' }], nextCursor: 'c2' };
    expect(filterToolsResult(result, (tool) => tool !== 'b')).toEqual({ tools: [{ name: 'a' }], nextCursor: 'c2' });
  });
});
