/**
 * The command-line half of the daemon kit, `@livemig/common/cli`: option
 * tables and parsing, help formatting, exit codes, the version, and the
 * daemons' start-up and exit paths. It needs only the errors, so a tool (ctl)
 * can use it without loading the daemons' device or server code.
 */
export {
  EXIT_OK,
  EXIT_MIGRATION_FAILED,
  EXIT_USAGE,
  LIVEMIG_VERSION,
  HELP_OPTIONS,
  parseCli,
  parseCliWithPositionals,
  formatHelp,
  formatTermList,
  handleHelpAndVersion,
  exitOnStartupError,
  finishDaemon,
  parseMigrationUri,
  type OptionTable,
  type CliOption,
} from '../cli';
