/**
 * The server's notice is plain text with LF line ends: a title line, paragraphs separated by blank
 * lines, numbered items (`1. …`) and dashed items (`- …`). This reads it into blocks so that it can be
 * shown as headings, lists and paragraphs without changing a character of it.
 */
export type NoticeBlock =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'ordered'; items: { marker: string; text: string }[] }
  | { kind: 'bullets'; items: string[] };

const NUMBERED = /^(\d+)\.\s+(.*)$/;
const DASHED = /^\s*-\s*(.*)$/;

function isHeading(lines: string[]): boolean {
  if (lines.length !== 1) return false;
  const line = lines[0]!.trim();
  return line.length > 0 && line.length <= 80 && !/[.。!?:]$/.test(line) && !NUMBERED.test(line) && !DASHED.test(line);
}

export function parseNotice(text: string): NoticeBlock[] {
  const blocks: NoticeBlock[] = [];
  const chunks = text.replace(/\r\n?/g, '\n').split(/\n\s*\n/);
  for (const chunk of chunks) {
    const lines = chunk.split('\n').filter((l) => l.trim().length > 0);
    if (lines.length === 0) continue;
    if (lines.every((l) => NUMBERED.test(l.trim()) || DASHED.test(l))) {
      // Numbered items, possibly followed by dashed sub-points, which stay with their item.
      if (lines.every((l) => DASHED.test(l))) {
        blocks.push({ kind: 'bullets', items: lines.map((l) => DASHED.exec(l)![1]!) });
        continue;
      }
      const items: { marker: string; text: string }[] = [];
      for (const line of lines) {
        const numbered = NUMBERED.exec(line.trim());
        if (numbered) items.push({ marker: numbered[1]!, text: numbered[2]! });
        else if (items.length > 0) items[items.length - 1]!.text += '\n' + line.trim();
        else items.push({ marker: '', text: line.trim() });
      }
      blocks.push({ kind: 'ordered', items });
    } else if (isHeading(lines)) {
      blocks.push({ kind: 'heading', text: lines[0]!.trim() });
    } else {
      blocks.push({ kind: 'paragraph', text: lines.join('\n') });
    }
  }
  return blocks;
}

/**
 * What the law asks to stand out in a consent notice (PIPA Art. 22②, Enforcement Decree Art. 17③:
 * the retention period, and the right to refuse with what refusing costs): the retention item and
 * the refusal paragraph are shown in bold. Only markup changes; every character stays as sent.
 */
const EMPHASISED = [/^보유\s*기간\s*:/, /^Retention\s*:/i, /거부할 수 있으며/, /may refuse/i];

export function isEmphasised(text: string): boolean {
  return EMPHASISED.some((pattern) => pattern.test(text.trim()));
}
