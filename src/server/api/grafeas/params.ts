/**
 * Query and path parameters of the /v1 routes, checked: each is one string (a repeated query
 * parameter is a 400), numbers are whole and bounded, ids follow names.ts.
 */
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../json-api.ts';
import type { ListOptions } from '../../../metadata/index.ts';

type Query = Record<string, unknown>;

export function queryString(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Query | undefined)?.[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new ApiError('INVALID_ARGUMENT', `query parameter ${name} must be given once`);
  return value;
}

export function queryInteger(request: FastifyRequest, name: string, max: number): number | undefined {
  const value = queryString(request, name);
  if (value === undefined || value === '') return undefined;
  if (!/^\d{1,10}$/.test(value) || Number(value) > max) throw new ApiError('INVALID_ARGUMENT', `query parameter ${name} must be a whole number from 0 to ${max}`);
  return Number(value);
}

export function listOptions(request: FastifyRequest): ListOptions {
  const filter = queryString(request, 'filter');
  const pageToken = queryString(request, 'pageToken');
  const pageSize = queryInteger(request, 'pageSize', 2 ** 31 - 1);
  return { ...(filter !== undefined && { filter }), ...(pageToken !== undefined && { pageToken }), ...(pageSize !== undefined && { pageSize }) };
}

export function pathParam(request: FastifyRequest, name: string): string {
  const value = (request.params as Record<string, unknown>)[name];
  if (typeof value !== 'string') throw new ApiError('INVALID_ARGUMENT', `missing path parameter ${name}`);
  return value;
}
