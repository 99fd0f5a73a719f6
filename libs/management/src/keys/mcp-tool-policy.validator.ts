import { registerDecorator, type ValidationOptions } from 'class-validator';

function isNameList(value: unknown): boolean {
  return value === undefined || (Array.isArray(value) && value.every((entry) => typeof entry === 'string'));
}

/** `{ <mcp server>: { allow?: string[], deny?: string[] } }`. */
export function IsMcpToolPolicy(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isMcpToolPolicy',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'must map MCP server names to { allow?: string[], deny?: string[] }', ...options },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          return Object.values(value).every((rules: unknown) => {
            if (typeof rules !== 'object' || rules === null || Array.isArray(rules)) return false;
            const { allow, deny, ...rest } = rules as Record<string, unknown>;
            return Object.keys(rest).length === 0 && isNameList(allow) && isNameList(deny);
          });
        },
      },
    });
}
