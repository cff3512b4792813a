import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { generateCertificate } from '../acs-emulator/certificate';
import { Faults, type FaultRule, type FaultSpec } from '../acs-emulator/faults';
import { readBody, ServiceError } from '../acs-emulator/http';
import { GRAPH_RESOURCE, issueAppToken, verifyBearer } from './auth';
import { bodyRead, GraphError, type GraphResponse } from './errors';
import { calendarView, serveEvents } from './events';
import { GraphState } from './state';
import { closeAtOnce, listenOnLoopback } from '../stack/loopback-server';

export interface GraphEmulatorOptions {
  /** HTTPS port of the emulated Graph (0 or absent = any free port). */
  port?: number;
  /** Plain-HTTP port of the admin API and the managed identity endpoint (0 or absent = any free port). */
  adminPort?: number;
  /** Where the generated certificate goes (a fresh temp folder when absent). */
  certDir?: string;
  /** Mailboxes (user object ids) that exist from the start, all inside the application access policy. */
  mailboxes?: string[];
}

export interface RunningGraphEmulator {
  /** https://127.0.0.1:<port>/v1.0 : GRAPH_BASE_URL. */
  baseUrl: string;
  adminUrl: string;
  /** http://127.0.0.1:<adminPort>/msi/token : IDENTITY_ENDPOINT of an App Service managed identity. */
  identityEndpoint: string;
  /** IDENTITY_HEADER: the secret the identity endpoint wants in X-IDENTITY-HEADER. */
  identityHeader: string;
  caCertPath: string;
  tenantId: string;
  close(): Promise<void>;
}

interface Incoming {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  rawBody: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EVENTS_PATH = /^\/v1\.0\/users\/([^/]+)\/events(?:\/([^/]+)(?:\/(cancel))?)?\/?$/;
const DEFAULT_FAULT_CODES: Record<number, string> = {
  429: 'ApplicationThrottled',
  500: 'UnknownError',
  502: 'BadGateway',
  503: 'ServiceNotAvailable',
  504: 'GatewayTimeout',
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function firstHeader(headers: IncomingMessage['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw bodyRead('Invalid JSON. A token was not recognized in the JSON content.');
  }
}

function faultResponse(rule: FaultRule): GraphError | undefined {
  if (rule.status === undefined) return undefined;
  const message = rule.status === 429 ? `Application is over its MailboxConcurrency limit.` : `Injected fault (${rule.status}).`;
  const headers: Record<string, string> = rule.retryAfterSeconds !== undefined ? { 'retry-after': String(rule.retryAfterSeconds) } : {};
  return new GraphError(rule.status, rule.code ?? DEFAULT_FAULT_CODES[rule.status] ?? 'UnknownError', message, headers);
}

/** Runs the emulated Microsoft Graph (HTTPS) and its admin API (HTTP) in this process. */
export async function startGraphEmulatorServer(options: GraphEmulatorOptions = {}): Promise<RunningGraphEmulator> {
  const certDir = options.certDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'graph-emulator-'));
  const certificate = generateCertificate(certDir, { file: 'graph-emulator', commonName: 'Microsoft Graph emulator (local stack)' });
  const state = new GraphState();
  const addMailbox = (id: string, inAccessPolicy = true) => state.mailboxes.set(id.toLowerCase(), { id: id.toLowerCase(), inAccessPolicy });
  for (const id of options.mailboxes ?? []) addMailbox(id);
  const faults = new Faults();
  let origin = '';

  async function serveGraph(request: Incoming): Promise<GraphResponse> {
    const fault = faults.take(request.method, request.url.pathname);
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    const injected = fault && faultResponse(fault);
    if (injected) throw injected;
    const match = EVENTS_PATH.exec(request.url.pathname);
    if (!match)
      throw new GraphError(
        400,
        'BadRequest',
        `Resource not found for the segment '${request.url.pathname.split('/').filter(Boolean).pop() ?? ''}'.`,
      );
    verifyBearer(state, firstHeader(request.headers, 'authorization'), Date.now());
    return serveEvents(state, {
      method: request.method,
      userId: decodeURIComponent(match[1]!),
      ...(match[2] !== undefined ? { eventId: decodeURIComponent(match[2]) } : {}),
      ...(match[3] === 'cancel' ? { action: 'cancel' as const } : {}),
      body: parseJson(request.rawBody),
      origin,
      now: Date.now(),
    });
  }

  function serveAdmin(request: Incoming): GraphResponse {
    const route = `${request.method} ${request.url.pathname.replace(/\/$/, '')}`;
    const mailboxMatch = /^\/admin\/(mailboxes|calendars)\/([^/]+)$/.exec(request.url.pathname);
    if (mailboxMatch) {
      const id = decodeURIComponent(mailboxMatch[2]!);
      if (!GUID.test(id)) return { status: 400, body: { error: 'a mailbox is named by its user object id (a GUID)' } };
      if (mailboxMatch[1] === 'calendars' && request.method === 'GET') return { status: 200, body: calendarView(state, id) };
      if (mailboxMatch[1] === 'mailboxes' && request.method === 'PUT') {
        const body = (parseJson(request.rawBody) ?? {}) as { inAccessPolicy?: unknown };
        addMailbox(id, body.inAccessPolicy !== false);
        return { status: 200, body: state.mailboxes.get(id.toLowerCase()) };
      }
    }
    switch (route) {
      case 'GET /health':
        return { status: 200, body: { status: 'ok' } };
      case 'GET /msi/token':
        return managedIdentityToken(request);
      case 'GET /admin/mailboxes':
        return { status: 200, body: { mailboxes: [...state.mailboxes.values()] } };
      case 'GET /admin/requests':
        return { status: 200, body: { requests: state.requests.map((r) => ({ ...r, at: new Date(r.at).toISOString() })) } };
      case 'GET /admin/faults':
        return { status: 200, body: { faults: faults.list() } };
      case 'POST /admin/faults':
        return { status: 201, body: faults.add((parseJson(request.rawBody) ?? {}) as FaultSpec) };
      case 'DELETE /admin/faults':
        faults.clear();
        return { status: 204 };
      case 'POST /admin/reset':
        state.reset();
        faults.clear();
        return { status: 204 };
      default:
        return { status: 404, body: { error: `No admin operation ${route}.` } };
    }
  }

  /** App Service's managed identity endpoint (api-version 2019-08-01), as @azure/identity calls it. */
  function managedIdentityToken(request: Incoming): GraphResponse {
    if (firstHeader(request.headers, 'x-identity-header') !== state.identityHeader)
      return { status: 401, body: { statusCode: 401, message: 'X-IDENTITY-HEADER is missing or wrong.' } };
    const resource = (request.url.searchParams.get('resource') ?? '').replace(/\/(\.default)?$/, '');
    if (resource !== GRAPH_RESOURCE)
      return { status: 400, body: { statusCode: 400, message: `The emulator issues tokens for ${GRAPH_RESOURCE} only.` } };
    const { token, expiresOn } = issueAppToken(state, Date.now());
    return {
      status: 200,
      body: {
        access_token: token,
        expires_on: String(expiresOn),
        resource: GRAPH_RESOURCE,
        token_type: 'Bearer',
        client_id: state.appObjectId,
      },
    };
  }

  function listener(handler: (request: Incoming) => GraphResponse | Promise<GraphResponse>, base: () => string, log: boolean) {
    return (req: IncomingMessage, res: ServerResponse) => {
      void (async () => {
        const request: Incoming = {
          method: (req.method ?? 'GET').toUpperCase(),
          url: new URL(req.url ?? '/', base()),
          headers: req.headers,
          rawBody: await readBody(req),
        };
        let response: GraphResponse;
        try {
          response = await handler(request);
        } catch (error) {
          if (error instanceof GraphError) response = error.response(firstHeader(request.headers, 'client-request-id'));
          else if (error instanceof ServiceError) response = error.response();
          else {
            process.stderr.write(`graph-emulator: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
            response = new GraphError(500, 'UnknownError', 'The emulator failed unexpectedly.').response(undefined);
          }
        }
        if (log)
          state.requests.push({
            method: request.method,
            path: request.url.pathname,
            status: response.status,
            at: Date.now(),
            sdkVersion: firstHeader(request.headers, 'sdkversion') ?? null,
          });
        const headers: Record<string, string> = { ...(response.headers ?? {}) };
        const payload = response.body === undefined ? '' : JSON.stringify(response.body);
        if (response.body !== undefined) headers['content-type'] = 'application/json; odata.metadata=minimal; charset=utf-8';
        headers['content-length'] = String(Buffer.byteLength(payload));
        res.writeHead(response.status, headers);
        res.end(payload);
      })();
    };
  }

  const service = https.createServer(
    { key: certificate.key, cert: certificate.cert },
    listener(serveGraph, () => origin, true),
  );
  const admin = http.createServer(listener(serveAdmin, () => 'http://127.0.0.1', false));
  await Promise.all([listenOnLoopback(service, options.port ?? 0), listenOnLoopback(admin, options.adminPort ?? 0)]);
  origin = `https://127.0.0.1:${(service.address() as AddressInfo).port}`;
  const adminUrl = `http://127.0.0.1:${(admin.address() as AddressInfo).port}`;
  return {
    baseUrl: `${origin}/v1.0`,
    adminUrl,
    identityEndpoint: `${adminUrl}/msi/token`,
    identityHeader: state.identityHeader,
    caCertPath: certificate.certPath,
    tenantId: state.tenantId,
    close: async () => {
      await Promise.all([closeAtOnce(service), closeAtOnce(admin)]);
      if (!options.certDir) fs.rmSync(certDir, { recursive: true, force: true });
    },
  };
}
