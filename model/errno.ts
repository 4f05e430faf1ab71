// Kernel error codes as the model returns them: a function that can fail returns 0 or the errno as
// a string literal, `0 | '-ENODEV' | '-EBUSY'`, so its signature lists the errors it can give and a
// caller tests `ret === 0`, `ret !== 0` or `ret === '-EBUSY'`. The SVA slices and the fault path
// follow it alike; no errno is stored in the state. `Errno` is every code the model returns, for the
// function types that variants plug in (a handler that may fail with any of them).

/** Every errno a model function returns (include/uapi/asm-generic/errno{,-base}.h names). */
export type Errno =
  | '-E2BIG'
  | '-EACCES'
  | '-EBUSY'
  | '-EEXIST'
  | '-EINVAL'
  | '-ENODEV'
  | '-ENOENT'
  | '-ENOMEM'
  | '-ENOSPC'
  | '-EOVERFLOW'
  | '-ESRCH';
