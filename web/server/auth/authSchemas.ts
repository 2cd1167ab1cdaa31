import { z } from '@hono/zod-openapi';
import { BusinessId } from '../admin/businessSchemas';

export const RoleSchema = z.enum(['marketing', 'dpo', 'admin']).openapi('Role');

export const LoginBody = z.strictObject({
  email: z.string().min(1).max(254).openapi({ description: 'A user\'s email, or "admin" with the ADMIN_TOKEN as password.' }),
  password: z.string().min(1).max(1024),
}).openapi('Login');

const Scope = z.array(z.string()).nullable().openapi({ description: 'The business ids the user sees; null: every business.' });

export const SessionInfo = z.object({ email: z.string(), role: RoleSchema, businesses: Scope, expires_at: z.string().optional() }).openapi('Session');

const Password = z.string().min(12, { error: 'passwords have at least 12 characters' }).max(1024);

const ScopeInput = z.array(BusinessId).min(1, { error: 'a scope names at least one business (null: every business)' }).max(1000)
  .refine((ids) => new Set(ids).size === ids.length, { error: 'each business may appear once' })
  .nullable()
  .openapi({ description: 'Registered business ids the user may see; absent or null: every business. Not for admins.' });

export const UserCreate = z.strictObject({
  email: z.email({ error: 'a valid email address' }).max(254),
  password: Password,
  role: RoleSchema,
  businesses: ScopeInput.optional(),
}).openapi('UserCreate');

export const UserUpdate = z.strictObject({
  role: RoleSchema.optional(),
  businesses: ScopeInput.optional(),
}).refine((u) => u.role !== undefined || u.businesses !== undefined, { error: 'give role, businesses or both' }).openapi('UserUpdate');

export const PasswordReset = z.strictObject({ password: Password }).openapi('PasswordReset');

export const UserId = z.string().min(1).max(40);

export const User = z.object({ id: z.string(), email: z.string(), role: RoleSchema, businesses: Scope, created_at: z.string() }).openapi('User');
