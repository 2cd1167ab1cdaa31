import { z } from '@hono/zod-openapi';

export const RoleSchema = z.enum(['marketing', 'dpo', 'admin']).openapi('Role');

export const LoginBody = z.strictObject({
  email: z.string().min(1).max(254).openapi({ description: 'A user\'s email, or "admin" with the ADMIN_TOKEN as password.' }),
  password: z.string().min(1).max(1024),
}).openapi('Login');

export const SessionInfo = z.object({ email: z.string(), role: RoleSchema, expires_at: z.string().optional() }).openapi('Session');

export const UserCreate = z.strictObject({
  email: z.email({ error: 'a valid email address' }).max(254),
  password: z.string().min(12, { error: 'passwords have at least 12 characters' }).max(1024),
  role: RoleSchema,
}).openapi('UserCreate');

export const User = z.object({ id: z.string(), email: z.string(), role: RoleSchema, created_at: z.string() }).openapi('User');
