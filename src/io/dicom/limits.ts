/** Sizes the DICOM reader refuses or grows to. */

/** Largest pixel buffer (one file or a whole volume) we try to hold: 2 GiB. */
export const MAX_PIXEL_BYTES = 2 ** 31;

/** First header read; grows ×4 while the header does not fit. */
export const INITIAL_HEADER_BYTES = 64 * 1024;

/** A header scan never reads more than this much of a file. */
export const MAX_HEADER_BYTES = 64 * 1024 * 1024;

/** Element lengths at or above this are lies (or too large to hold), whatever the file size. */
export const MAX_ELEMENT_LENGTH = 2 ** 31;

/** dicom-parser's marker for an undefined length. */
export const UNDEFINED_LENGTH = 0xffffffff;
