// Logs of a live run: pino, pretty when stderr is a terminal, JSON lines with --log-json (or when
// piped). Logs go to stderr; stdout carries only the URL line.
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export function makeLogger(json: boolean, level = process.env.AGENTPPROF_LOG ?? 'info'): Logger {
  if (json || !process.stderr.isTTY) return pino({ level, base: { name: 'agentpprof' } }, pino.destination(2));
  return pino({ level }, pretty({ destination: 2, colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' }));
}
