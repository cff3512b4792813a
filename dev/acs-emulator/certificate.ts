import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface Certificate {
  certPath: string;
  key: Buffer;
  cert: Buffer;
}

/**
 * A fresh self-signed EC certificate for 127.0.0.1 and localhost (P-256 keeps generation ~20 ms).
 * It is its own CA: clients trust it through `tlsOptions.ca` or NODE_EXTRA_CA_CERTS, never by
 * switching TLS checks off.
 */
export function generateCertificate(
  dir: string,
  name: { file: string; commonName: string } = { file: 'acs-emulator', commonName: 'ACS emulator (local stack)' },
): Certificate {
  fs.mkdirSync(dir, { recursive: true });
  const keyPath = path.join(dir, `${name.file}-key.pem`);
  const certPath = path.join(dir, `${name.file}-cert.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '30',
      '-subj',
      `/CN=${name.commonName}`,
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  fs.chmodSync(keyPath, 0o600);
  return { certPath, key: fs.readFileSync(keyPath), cert: fs.readFileSync(certPath) };
}
