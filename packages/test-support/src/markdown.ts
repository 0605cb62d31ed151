// Parse markdown the way GitHub renders it (marked: CommonMark + GFM tables), so tests check what a
// reader sees, not the raw characters. Lives in the cli package because only it declares marked.
import { marked, type Token, type Tokens } from 'marked';

export interface ParsedTable {
  /** The bold line just before the table: its title in the report. */
  title: string;
  header: string[];
  rows: string[][];
  align: (string | null)[];
}

export interface ParsedMarkdown {
  tokens: Token[];
  tables: ParsedTable[];
  /** Fenced code blocks: language and text. */
  code: { lang: string; text: string }[];
  headings: { depth: number; text: string }[];
  /** The document rendered to HTML, as a viewer would show it. */
  html: string;
}

/** Parse a markdown document; table cells come back as the text a reader sees (escapes resolved). */
export function parseMarkdown(source: string): ParsedMarkdown {
  const tokens = marked.lexer(source);
  const tables: ParsedTable[] = [];
  const code: ParsedMarkdown['code'] = [];
  const headings: ParsedMarkdown['headings'] = [];
  let previous: Token | undefined;
  for (const token of tokens) {
    if (token.type === 'table') {
      const table = token as Tokens.Table;
      const text = (cell: Tokens.TableCell) => plainText(cell.tokens);
      tables.push({
        title: previous?.type === 'paragraph' ? plainText((previous as Tokens.Paragraph).tokens) : '',
        header: table.header.map(text),
        rows: table.rows.map((row) => row.map(text)),
        align: table.align,
      });
    } else if (token.type === 'code') {
      code.push({ lang: (token as Tokens.Code).lang ?? '', text: (token as Tokens.Code).text });
    } else if (token.type === 'heading') {
      headings.push({
        depth: (token as Tokens.Heading).depth,
        text: plainText((token as Tokens.Heading).tokens),
      });
    }
    if (token.type !== 'space') previous = token;
  }
  return { tokens, tables, code, headings, html: marked.parse(source, { async: false }) };
}

// Inline tokens to the characters they display: escapes resolved, emphasis and code spans unwrapped.
function plainText(tokens: Token[]): string {
  return tokens
    .map((t) => {
      if ('tokens' in t && Array.isArray(t.tokens)) return plainText(t.tokens as Token[]);
      if (t.type === 'escape' || t.type === 'text' || t.type === 'codespan')
        return decode((t as Tokens.Text).text);
      return t.raw;
    })
    .join('');
}

const decode = (text: string) =>
  text.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name]!,
  );
