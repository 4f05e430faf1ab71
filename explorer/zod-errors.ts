// One line for every problem zod found, each with its path: "params.N: too big (at most 8)".
import type { z } from 'zod';

export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}
