import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { handleAdmin } from './admin';
import { UserTokens, verifyEntraBearer, verifyHmac } from './auth';
import { generateCertificate } from './certificate';
import { chatRoutes } from './chat-routes';
import { emailRoutes } from './email-routes';
import { faultError, Faults } from './faults';
import { readBody, send, ServiceError, type EmulatorRequest, type EmulatorResponse } from './http';
import { identityRoutes } from './identity-routes';
import { roomsRoutes } from './rooms-routes';
import type { Route, RouteContext } from './route';
import { smsRoutes } from './sms-routes';
import { loadResource, saveResource } from './persistence';
import { EmulatorState, type ResourceSettings } from './state';
import { closeAtOnce, listenOnLoopback } from '../stack/loopback-server';

export interface EmulatorServerOptions {
  /** HTTPS port of the emulated service (0 or absent = any free port). */
  port?: number;
  /** Plain-HTTP port of the admin API (0 or absent = any free port). */
  adminPort?: number;
  /** Base64 access key of the connection string (a random one when absent). */
  accessKey?: string;
  /** Accept Entra-style bearer tokens (audience and expiry checked, signature not). */
  acceptEntraTokens?: boolean;
  /** Where the generated certificate goes (a fresh temp folder when absent). */
  certDir?: string;
  /**
   * A JSON file keeping the resource id, its identities and its token key across restarts (as Azure
   * keeps them); absent = a new resource in memory each start.
   */
  stateFile?: string;
  /** How the emulated resource is set up: owned numbers, linked domains, email profile, revocation delay. */
  resource?: Partial<ResourceSettings>;
}

export interface RunningEmulatorServer {
  endpoint: string;
  connectionString: string;
  adminUrl: string;
  caCertPath: string;
  close(): Promise<void>;
}

const routes: Route[] = [...identityRoutes, ...roomsRoutes, ...smsRoutes, ...emailRoutes, ...chatRoutes];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function toRequest(req: IncomingMessage, origin: string): Promise<EmulatorRequest> {
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    url: new URL(req.url ?? '/', origin),
    headers: req.headers,
    rawBody: await readBody(req),
  };
}

/** Runs the emulated services and the admin API in this process. */
export async function startEmulatorServer(options: EmulatorServerOptions = {}): Promise<RunningEmulatorServer> {
  const certDir = options.certDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'acs-emulator-'));
  const certificate = generateCertificate(certDir);
  const accessKey = options.accessKey ?? randomBytes(32).toString('base64');
  const key = Buffer.from(accessKey, 'base64');
  const stored = options.stateFile ? loadResource(options.stateFile) : undefined;
  const state = new EmulatorState(stored?.resourceId, options.resource);
  for (const identity of stored?.identities ?? []) state.identities.set(identity.id, identity);
  const faults = new Faults();
  const tokens = new UserTokens(state, stored ? Buffer.from(stored.tokenSecret, 'base64') : undefined);
  const persist = () => {
    if (options.stateFile) {
      saveResource(options.stateFile, {
        resourceId: state.resourceId,
        tokenSecret: tokens.secret.toString('base64'),
        identities: [...state.identities.values()],
      });
    }
  };
  let origin = '';

  function authenticate(route: Route, request: EmulatorRequest): RouteContext['user'] {
    if (route.auth === 'user') return tokens.verify(request);
    const authorization = request.headers.authorization ?? '';
    if (options.acceptEntraTokens && authorization.startsWith('Bearer ')) verifyEntraBearer(request, state.now());
    else verifyHmac(request, key);
    return undefined;
  }

  async function serve(request: EmulatorRequest): Promise<EmulatorResponse> {
    const fault = faults.take(request.method, request.url.pathname);
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    const injected = fault && faultError(fault);
    if (injected) return injected.response();

    const byPath = routes.filter((r) => r.pattern.test(request.url.pathname));
    const route = byPath.find((r) => r.method === request.method);
    if (!route) {
      return byPath.length > 0
        ? new ServiceError(405, 'MethodNotAllowed', `${request.method} is not supported here.`).response()
        : new ServiceError(404, 'NotFound', 'The resource does not exist.').response();
    }
    const user = authenticate(route, request);
    const apiVersion = request.url.searchParams.get('api-version');
    if (apiVersion !== route.apiVersion) {
      throw new ServiceError(
        400,
        'UnsupportedApiVersion',
        `api-version '${apiVersion ?? ''}' is not supported; this operation uses ${route.apiVersion}.`,
      );
    }
    const params = route.pattern
      .exec(request.url.pathname)!
      .slice(1)
      .map((p) => decodeURIComponent(p));
    const response = route.handle({ request, params, state, tokens, user, origin });
    if (request.method !== 'GET' && request.url.pathname.startsWith('/identities')) persist();
    return response;
  }

  function listener(handler: (request: EmulatorRequest) => EmulatorResponse | Promise<EmulatorResponse>, base: () => string) {
    return (req: IncomingMessage, res: ServerResponse) => {
      void (async () => {
        let response: EmulatorResponse;
        try {
          response = await handler(await toRequest(req, base()));
        } catch (error) {
          if (error instanceof ServiceError) response = error.response();
          else {
            process.stderr.write(`acs-emulator: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
            response = new ServiceError(500, 'InternalServerError', 'The emulator failed unexpectedly.').response();
          }
        }
        send(res, response);
      })();
    };
  }

  const service = https.createServer(
    { key: certificate.key, cert: certificate.cert },
    listener(serve, () => origin),
  );
  const admin = http.createServer(
    listener(
      (request) => {
        const response = handleAdmin(request, state, faults);
        if (request.url.pathname === '/admin/reset') persist();
        return response;
      },
      () => 'http://127.0.0.1',
    ),
  );
  await Promise.all([listenOnLoopback(service, options.port ?? 0), listenOnLoopback(admin, options.adminPort ?? 0)]);
  origin = `https://127.0.0.1:${(service.address() as AddressInfo).port}`;
  const adminUrl = `http://127.0.0.1:${(admin.address() as AddressInfo).port}`;
  return {
    endpoint: `${origin}/`,
    connectionString: `endpoint=${origin}/;accesskey=${accessKey}`,
    adminUrl,
    caCertPath: certificate.certPath,
    close: async () => {
      await Promise.all([closeAtOnce(service), closeAtOnce(admin)]);
      // A folder made here is ours to remove; a given one belongs to the caller.
      if (!options.certDir) fs.rmSync(certDir, { recursive: true, force: true });
    },
  };
}
