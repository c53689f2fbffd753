// A small shell lexer: enough of POSIX sh to split a command line into simple commands (words plus
// redirections) so hints.ts can say which files and hosts a command names. It never executes anything
// and never fails: unbalanced quotes just end the word.

export interface SimpleCommand {
  words: string[];
  /** Redirections in order: `>`/`>>` targets are writes, `<` targets are reads. */
  redirects: { op: '>' | '>>' | '<'; target: string }[];
}

const OPERATORS = ['&&', '||', ';', '|', '&', '\n'];

export function splitCommands(line: string): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  let cur: SimpleCommand = { words: [], redirects: [] };
  let word = '';
  let inWord = false;
  let pendingRedirect: '>' | '>>' | '<' | null = null;
  const endWord = () => {
    if (!inWord) return;
    if (pendingRedirect) {
      cur.redirects.push({ op: pendingRedirect, target: word });
      pendingRedirect = null;
    } else cur.words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    pendingRedirect = null;
    if (cur.words.length || cur.redirects.length) out.push(cur);
    cur = { words: [], redirects: [] };
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === "'") {
      const j = line.indexOf("'", i + 1);
      const end = j === -1 ? line.length : j;
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      inWord = true;
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length) j++;
        word += line[j];
      }
      i = j;
    } else if (c === '\\' && i + 1 < line.length) {
      if (line[i + 1] !== '\n') { word += line[i + 1]; inWord = true; }
      i++;
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === '#' && !inWord) {
      const j = line.indexOf('\n', i);
      i = j === -1 ? line.length : j - 1;
    } else if (c === '>' || c === '<') {
      // `2>`, `&>`: the fd digit / & belongs to the redirection, not a word.
      if (inWord && /^[0-9&]$/.test(word)) { word = ''; inWord = false; }
      endWord();
      let op: '>' | '>>' | '<' = c;
      if (c === '>' && line[i + 1] === '>') { op = '>>'; i++; }
      if (line[i + 1] === '&') {
        // `2>&1`, `>&2`: duplicating a descriptor, not a file.
        i++;
        while (i + 1 < line.length && /[0-9-]/.test(line[i + 1])) i++;
        continue;
      }
      if (line[i + 1] === '(') continue; // process substitution: not a file
      pendingRedirect = op;
    } else {
      const op = OPERATORS.find((o) => line.startsWith(o, i));
      if (op) {
        endCommand();
        i += op.length - 1;
      } else if (c === '(' || c === ')' || c === '{' || c === '}') {
        if (inWord) word += c;
        else endCommand();
      } else {
        word += c;
        inWord = true;
      }
    }
  }
  endCommand();
  return out;
}
