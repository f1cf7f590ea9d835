import { docsLinkLine, type ErrorCode } from '../../src/errors.js';

/** A unipool error message as thrown: the text, then the line linking to the code's docs entry. */
export function withDocsLink(code: ErrorCode, message: string): string {
  return `${message}\n${docsLinkLine(code)}`;
}
