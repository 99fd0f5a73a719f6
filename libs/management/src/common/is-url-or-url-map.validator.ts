import { registerDecorator, type ValidationOptions } from 'class-validator';

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'oauth:';
  } catch {
    return false;
  }
}

/** A provider base URL: one http(s)/oauth URL, or a non-empty map of API type to URL. */
export function IsUrlOrUrlMap(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isUrlOrUrlMap',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be an http(s) URL or a map of API type to URL`, ...options },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value === 'string') return isHttpUrl(value);
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const urls = Object.values(value as Record<string, unknown>);
          return urls.length > 0 && urls.every(isHttpUrl);
        },
      },
    });
  };
}
