/** The connection string of the run's Azurite (set by global-setup). */
export function testStorageConnectionString(): string {
  const value = process.env.TEST_STORAGE_CONNECTION_STRING;
  if (!value) throw new Error('TEST_STORAGE_CONNECTION_STRING is not set: run tests through jest (global-setup starts Azurite)');
  return value;
}

let counter = 0;

/** A table-name prefix unique to this test file, so tests never see each other's rows. */
export function uniqueTablePrefix(): string {
  counter += 1;
  return `t${process.pid}${counter}${Math.floor(Math.random() * 1e6)}`.slice(0, 20);
}
