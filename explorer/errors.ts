// Two kinds of failure that are not verdicts. Both reach the user as one line and exit code 2.

/** Bad input or misuse of the harness: a malformed file, an unknown name, a bound out of range. */
export class HarnessError extends Error {
  override readonly name = 'HarnessError';
}

/** A model broke its contract at run time: a step threw, a state did not fit its codec. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
}
