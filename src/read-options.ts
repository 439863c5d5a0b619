// The command-line options that say what to read and with which values, shared by linting, `sg-lint graph` and
// `sg-lint exposure`. No imports: the CLI's argument parser loads this before it knows what the command needs.
export const READ_OPTIONS = {
  config: { type: 'string', short: 'c' },
  include: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  var: { type: 'string', multiple: true },
  'var-file': { type: 'string', multiple: true },
  parameter: { type: 'string', multiple: true },
  'parameters-file': { type: 'string', multiple: true },
  plan: { type: 'string' },
  'allow-outside': { type: 'boolean' },
} as const;
