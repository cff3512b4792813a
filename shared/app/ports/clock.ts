/** "Now" as UTC epoch milliseconds. Everything that needs the time asks a Clock (virtual time locally). */
export interface Clock {
  now(): number;
}
