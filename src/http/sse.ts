// Server-sent events (the text/event-stream format): `event:` and `data:` fields, events ended by a
// blank line, multi-line data joined with '\n'. Incremental so live mode can feed text as it arrives.

export interface SseEvent {
  event: string;
  data: string;
}

export class SseParser {
  #rest = '';
  #event = '';
  #data: string[] = [];

  constructor(private readonly onEvent: (e: SseEvent) => void) {}

  push(text: string): void {
    const all = this.#rest + text;
    let start = 0;
    for (;;) {
      const nl = all.indexOf('\n', start);
      if (nl === -1) break;
      this.#line(all.charCodeAt(nl - 1) === 13 ? all.slice(start, nl - 1) : all.slice(start, nl));
      start = nl + 1;
    }
    this.#rest = all.slice(start);
  }

  /** End of stream: a last event without its blank line still counts (the stream may have been cut). */
  end(): void {
    if (this.#rest) this.#line(this.#rest.replace(/\r$/, ''));
    this.#rest = '';
    this.#line('');
  }

  #line(line: string): void {
    if (line === '') {
      if (this.#data.length) this.onEvent({ event: this.#event || 'message', data: this.#data.join('\n') });
      this.#event = '';
      this.#data = [];
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' comment */) return;
    const c = line.indexOf(':');
    const field = c === -1 ? line : line.slice(0, c);
    let value = c === -1 ? '' : line.slice(c + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
  }
}

export function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  const p = new SseParser((e) => out.push(e));
  p.push(text);
  p.end();
  return out;
}
