import { redact } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/** Where log lines go: the invocation context in a function, the console elsewhere. */
export interface LogSink {
  log(line: string): void;
  warn(line: string): void;
  error(line: string): void;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** One JSON object per line, redacted, so Application Insights / log queries can parse it. */
export function createLogger(sink: LogSink, minLevel: LogLevel = 'info', base: Record<string, unknown> = {}): Logger {
  const write = (level: LogLevel, event: string, fields: Record<string, unknown> = {}) => {
    if (order[level] < order[minLevel]) return;
    const line = JSON.stringify(redact({ level, event, ...base, ...fields }));
    if (level === 'error') sink.error(line);
    else if (level === 'warn') sink.warn(line);
    else sink.log(line);
  };
  return {
    debug: (event, fields) => write('debug', event, fields),
    info: (event, fields) => write('info', event, fields),
    warn: (event, fields) => write('warn', event, fields),
    error: (event, fields) => write('error', event, fields),
  };
}
