/**
 * The user's data above this many bytes (a CSV, or a folder's or zip's images once
 * inflated) is refused: its decoded rows could not fit in the memory budget anyway.
 */
export const MAX_USER_FILE_BYTES = 512 * 1024 ** 2;
