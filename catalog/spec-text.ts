/**
 * Reads the specification tables out of the plain-text rendering of RA2
 * chapter 4. Used by the unit tests to hold the catalog to the text, so it is
 * deliberately independent of the catalog itself.
 *
 * The text renders each table cell on its own paragraph: the id, then the
 * "Specification" title, the "Details", and optionally the requirement trace
 * and the reference-implementation trace. Cells may be absent (ra2.stg.007 has
 * no title; many rows have no traces), so cells are classified by shape.
 */

export interface SpecTextRow {
  specId: string;
  /** Section number from the nearest "4.x. Title" heading, e.g. "4.3". */
  sectionNumber: string;
  sectionTitle: string;
  title: string;
  text: string;
  requirementTrace: string | null;
  referenceImplementationTrace: string | null;
}

const idLine = /^ra2\.[a-z0-9]+\.\d{3}$/;
const sectionHeading = /^(4\.\d+)\.\s+(.+)$/;
const tableEnd = /^Table 4-\d+:/;
/** "4.3.1", "3.3", "N/A" */
const referenceTrace = /^(\d+(\.\d+)*|N\/A)$/;
/** "req.gen.rsl.02, req.gen.avl.01", "e.cap.013", "TBD", "Various, e.g. e.cap.013" */
const requirementTrace =
  /^(TBD|Various, e\.g\. .+|[a-z]+(\.[a-z0-9]+)+\.?([ ,]+[a-z]+(\.[a-z0-9]+)+\.?)*)$/;

export function parseSpecText(source: string): SpecTextRow[] {
  const lines = source
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const rows: SpecTextRow[] = [];
  let sectionNumber = '';
  let sectionTitle = '';
  let cells: string[] | null = null;
  let specId = '';

  const flush = (): void => {
    if (cells) rows.push(toRow(specId, sectionNumber, sectionTitle, cells));
    cells = null;
  };

  for (const line of lines) {
    const heading = sectionHeading.exec(line);
    if (heading) {
      flush();
      sectionNumber = heading[1] ?? '';
      sectionTitle = heading[2] ?? '';
    } else if (idLine.test(line)) {
      flush();
      specId = line;
      cells = [];
    } else if (tableEnd.test(line)) {
      flush();
    } else if (cells) {
      cells.push(line);
    }
  }
  flush();
  return rows;
}

function toRow(
  specId: string,
  sectionNumber: string,
  sectionTitle: string,
  cells: string[],
): SpecTextRow {
  const rest = [...cells];
  let referenceImplementationTrace: string | null = null;
  let reqTrace: string | null = null;
  if (rest.length > 2 && referenceTrace.test(rest[rest.length - 1] ?? '')) {
    referenceImplementationTrace = rest.pop() ?? null;
  }
  if (rest.length > 1 && requirementTrace.test(rest[rest.length - 1] ?? '')) {
    reqTrace = rest.pop() ?? null;
  }
  if (rest.length < 1 || rest.length > 2) {
    throw new Error(`cannot read the table row of ${specId}: ${JSON.stringify(cells)}`);
  }
  const [title, text] = rest.length === 2 ? rest : ['', rest[0]];
  return {
    specId,
    sectionNumber,
    sectionTitle,
    title: title ?? '',
    text: text ?? '',
    requirementTrace: reqTrace,
    referenceImplementationTrace,
  };
}
