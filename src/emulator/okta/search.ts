import { validationError } from './errors.js';
import type { Json } from '../core/http-io.js';

interface Clause {
  field: string;
  op: 'eq' | 'sw' | 'co' | 'pr';
  value: string;
}

/** Disjunction of conjunctions: `a and b or c` is [[a, b], [c]]. Parentheses are not supported. */
type Expression = Clause[][];

const CLAUSE = /^\s*([A-Za-z0-9_.]+)\s+(eq|sw|co|pr)(?:\s+"((?:[^"\\]|\\.)*)")?\s*$/i;

/** Parses the subset of Okta's SCIM-like filter/search syntax the emulator supports. */
export function parseExpression(text: string, parameter: string): Expression {
  return text.split(/\s+or\s+/i).map((conjunction) =>
    conjunction.split(/\s+and\s+/i).map((part) => {
      const m = CLAUSE.exec(part.replace(/^\(+|\)+$/g, ''));
      if (!m || (m[2]!.toLowerCase() !== 'pr' && m[3] === undefined)) {
        throw validationError(parameter, `${parameter}: Invalid search criteria: ${text}`);
      }
      return { field: m[1]!, op: m[2]!.toLowerCase() as Clause['op'], value: (m[3] ?? '').replace(/\\(.)/g, '$1') };
    }),
  );
}

function fieldValue(obj: Json, path: string): unknown {
  let current: unknown = obj;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Json)[key];
  }
  return current;
}

export function matches(obj: Json, expression: Expression): boolean {
  return expression.some((conjunction) =>
    conjunction.every(({ field, op, value }) => {
      const actual = fieldValue(obj, field);
      if (op === 'pr') return actual !== undefined && actual !== null;
      // Okta's search compares scalar attributes; an absent, null or structured one matches nothing.
      if (typeof actual !== 'string' && typeof actual !== 'number' && typeof actual !== 'boolean') return false;
      const a = String(actual).toLowerCase();
      const v = value.toLowerCase();
      return op === 'eq' ? a === v : op === 'sw' ? a.startsWith(v) : a.includes(v);
    }),
  );
}

/** A single `field eq "value"` clause, which callers can answer from an index. */
export function singleEquality(expression: Expression): Clause | undefined {
  const only = expression.length === 1 && expression[0]!.length === 1 ? expression[0]![0]! : undefined;
  return only && only.op === 'eq' ? only : undefined;
}
