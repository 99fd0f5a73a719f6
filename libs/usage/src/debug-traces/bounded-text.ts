/** Text kept up to a size limit; what falls past it is counted, not kept. */
export class BoundedText {
  private parts: string[] = [];
  private kept = 0;
  private dropped = 0;

  constructor(private readonly limit: number) {}

  append(text: string): void {
    const room = this.limit - this.kept;
    if (room <= 0) {
      this.dropped += text.length;
      return;
    }
    const part = text.length <= room ? text : text.slice(0, room);
    this.parts.push(part);
    this.kept += part.length;
    this.dropped += text.length - part.length;
  }

  get empty(): boolean {
    return this.kept === 0 && this.dropped === 0;
  }

  get truncated(): boolean {
    return this.dropped > 0;
  }

  text(): string {
    if (this.parts.length > 1) this.parts = [this.parts.join('')];
    return this.parts[0] ?? '';
  }

  /** A JSON body as a value when it was kept whole; anything else as its (possibly cut) text. */
  value(): unknown {
    const text = this.text();
    if (this.truncated) return { truncated: true, omittedChars: this.dropped, text };
    const first = text.trimStart()[0];
    if (first === '{' || first === '[') {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    }
    return text;
  }
}
