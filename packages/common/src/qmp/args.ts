/**
 * Argument schemas of QMP commands, checked by the dispatcher before a handler
 * runs, with QEMU's error texts (qapi/qobject-input-visitor.c):
 *   Parameter 'x' is missing
 *   Parameter 'x' is unexpected
 *   Invalid parameter type for 'x', expected: string
 * Every command declares its arguments; a command without a schema takes none.
 */
import { QmpError } from './qmp-error';

/**
 * `size`: an integer, or (beyond QEMU, for humans) a string with a K/M/G
 * suffix that the command parses itself.
 */
export type QmpArgType = 'string' | 'boolean' | 'int' | 'size' | 'array' | 'object' | 'any';

export interface QmpArgSpec {
  readonly type: QmpArgType;
  readonly required?: boolean;
}

export type QmpArgsSchema = Readonly<Record<string, QmpArgSpec>>;

const EXPECTED: Readonly<Record<QmpArgType, string>> = {
  string: 'string',
  boolean: 'boolean',
  int: 'integer',
  size: 'size',
  array: 'array',
  object: 'object',
  any: 'any',
};

function hasType(value: unknown, type: QmpArgType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'size':
      return (typeof value === 'number' && Number.isSafeInteger(value)) || typeof value === 'string';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'any':
      return true;
    default: {
      const never: never = type;
      return never;
    }
  }
}

/** Throws a GenericError naming the first bad argument. `prefix` names a nested member ('capabilities[0].'). */
export function checkArgs(args: Readonly<Record<string, unknown>>, schema: QmpArgsSchema, prefix = ''): void {
  for (const key of Object.keys(args)) {
    if (!Object.prototype.hasOwnProperty.call(schema, key)) throw new QmpError(`Parameter '${prefix}${key}' is unexpected`);
  }
  for (const [name, spec] of Object.entries(schema)) {
    const value = args[name];
    if (value === undefined) {
      if (spec.required) throw new QmpError(`Parameter '${prefix}${name}' is missing`);
      continue;
    }
    if (!hasType(value, spec.type)) throw new QmpError(`Invalid parameter type for '${prefix}${name}', expected: ${EXPECTED[spec.type]}`);
  }
}
