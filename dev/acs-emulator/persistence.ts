import fs from 'node:fs';
import path from 'node:path';
import type { IdentityRecord } from './state';

/**
 * What an ACS resource keeps across time that the app stores references to: its id (part of every
 * user id), its identities and the key its tokens are signed with. With a state file the emulator
 * keeps them across restarts, as Azure does, so identities stored in Azurite stay valid.
 */
export interface PersistedResource {
  resourceId: string;
  tokenSecret: string;
  identities: IdentityRecord[];
}

export function loadResource(file: string): PersistedResource | undefined {
  if (!fs.existsSync(file)) return undefined;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as PersistedResource;
  if (typeof parsed.resourceId !== 'string' || typeof parsed.tokenSecret !== 'string' || !Array.isArray(parsed.identities)) {
    throw new Error(`acs-emulator: ${file} is not an emulator state file`);
  }
  return parsed;
}

/** Written whole, then renamed, so a crash mid-write leaves the previous file. */
export function saveResource(file: string, resource: PersistedResource): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(resource));
  fs.renameSync(temporary, file);
}
