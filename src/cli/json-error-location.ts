/** Where a JSON text stops being JSON, and why. Lines and columns start at 1. */
export interface JsonErrorLocation {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

class JsonSyntax extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * Finds the first syntax error in `text` with its line and column — V8's `JSON.parse` messages do
 * not always carry a position. Returns `undefined` when `text` is valid JSON.
 */
export function locateJsonError(text: string): JsonErrorLocation | undefined {
  try {
    new JsonScanner(text).document();
    return undefined;
  } catch (error) {
    if (!(error instanceof JsonSyntax)) throw error;
    const before = text.slice(0, error.offset);
    const line = before.split('\n').length;
    const column = error.offset - before.lastIndexOf('\n');
    return { line, column, message: error.message };
  }
}

class JsonScanner {
  #pos = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  document(): void {
    this.#value();
    this.#space();
    if (this.#pos < this.#text.length) this.#fail('after the JSON value');
  }

  #value(): void {
    this.#space();
    const char = this.#text[this.#pos];
    if (char === '{') this.#object();
    else if (char === '[') this.#array();
    else if (char === '"') this.#string();
    else if (char === '-' || (char !== undefined && char >= '0' && char <= '9')) this.#number();
    else if (!this.#word('true') && !this.#word('false') && !this.#word('null')) this.#fail('where a value was expected');
  }

  #object(): void {
    this.#pos++;
    this.#space();
    if (this.#text[this.#pos] === '}') return void this.#pos++;
    for (;;) {
      this.#space();
      if (this.#text[this.#pos] !== '"') this.#fail('where a property name in double quotes was expected');
      this.#string();
      this.#space();
      if (this.#text[this.#pos] !== ':') this.#fail('where ":" was expected');
      this.#pos++;
      this.#value();
      this.#space();
      const next = this.#text[this.#pos];
      if (next === '}') return void this.#pos++;
      if (next !== ',') this.#fail('where "," or "}" was expected');
      this.#pos++;
      this.#space();
      if (this.#text[this.#pos] === '}') throw new JsonSyntax('trailing comma before "}"', this.#pos);
    }
  }

  #array(): void {
    this.#pos++;
    this.#space();
    if (this.#text[this.#pos] === ']') return void this.#pos++;
    for (;;) {
      this.#value();
      this.#space();
      const next = this.#text[this.#pos];
      if (next === ']') return void this.#pos++;
      if (next !== ',') this.#fail('where "," or "]" was expected');
      this.#pos++;
      this.#space();
      if (this.#text[this.#pos] === ']') throw new JsonSyntax('trailing comma before "]"', this.#pos);
    }
  }

  #string(): void {
    const start = this.#pos++;
    for (;;) {
      const char = this.#text[this.#pos];
      if (char === undefined) throw new JsonSyntax('unterminated string', start);
      if (char === '"') return void this.#pos++;
      if (char < ' ') throw new JsonSyntax('control character (e.g. a line break) inside a string — write it as \\n', this.#pos);
      if (char === '\\') {
        const escape = this.#text[this.#pos + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.#text.slice(this.#pos + 2, this.#pos + 6))) throw new JsonSyntax('invalid \\u escape in a string', this.#pos);
          this.#pos += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) throw new JsonSyntax('invalid escape in a string', this.#pos);
        this.#pos += 2;
        continue;
      }
      this.#pos++;
    }
  }

  #number(): void {
    const match = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(this.#text.slice(this.#pos));
    if (match === null) this.#fail('where a number was expected');
    this.#pos += match[0].length;
  }

  #word(word: string): boolean {
    if (!this.#text.startsWith(word, this.#pos)) return false;
    this.#pos += word.length;
    return true;
  }

  #space(): void {
    while (this.#pos < this.#text.length && ' \t\n\r'.includes(this.#text[this.#pos] ?? '')) this.#pos++;
  }

  #fail(where: string): never {
    const char = this.#text[this.#pos];
    if (char === undefined) throw new JsonSyntax('unexpected end of file', this.#pos);
    const hint = char === '/' ? ' — JSON has no comments (use a .js config file for comments)' : char === "'" ? ' — JSON strings use double quotes' : '';
    throw new JsonSyntax(`unexpected ${JSON.stringify(char)} ${where}${hint}`, this.#pos);
  }
}
