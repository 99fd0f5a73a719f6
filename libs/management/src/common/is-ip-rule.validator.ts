import { IpRules } from '@plexus/auth';
import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/** Each entry an IPv4/IPv6 address, CIDR range or address range, as `allowedIps` and `trustedProxies` take them. */
export function IsIpRuleList(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'isIpRuleList',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: (args: ValidationArguments) => {
          const rules = Array.isArray(args.value) ? (args.value as unknown[]) : [];
          const bad = rules.find((rule) => typeof rule !== 'string' || IpRules.problemWith(rule) !== null);
          return `${args.property}: '${String(bad)}' is not an IP address, CIDR range or address range`;
        },
        ...options,
      },
      validator: {
        validate(value: unknown): boolean {
          return (
            Array.isArray(value) &&
            value.every((rule) => typeof rule === 'string' && IpRules.problemWith(rule) === null)
          );
        },
      },
    });
  };
}
