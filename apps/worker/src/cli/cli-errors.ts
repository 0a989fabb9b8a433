// How a CLI command ends when it does not succeed: exit code 2 for a usage error,
// 1 for an operation that failed (see runCli in program.ts).

export class UsageError extends Error {}

export class OperationFailed extends Error {}
