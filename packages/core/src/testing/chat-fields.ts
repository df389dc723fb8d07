// Reading a chat-adapter message back into its fields, for test doubles.

/**
 * The `[[ ## name ## ]]` sections of one message (chat-adapter layout), trimmed: a section runs to
 * the next marker that starts a paragraph, or to the closing "Respond with ..." paragraph.
 */
export function chatFields(content: string): Record<string, string> {
  const out: Record<string, string> = {};
  const markers = [...content.matchAll(/(?:^|\n\n)\[\[ ## (\w+) ## \]\]/g)];
  markers.forEach((m, i) => {
    const start = m.index! + m[0].length;
    const next = markers[i + 1]?.index ?? content.length;
    const body = content.slice(start, next);
    const respond = body.search(/\n\nRespond with /);
    out[m[1]!] = (respond < 0 ? body : body.slice(0, respond)).trim();
  });
  return out;
}
