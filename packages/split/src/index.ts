/** @meshparts/split — split a segmented GLB into one GLB per part. See README.md in this folder. */
export const SPLIT_PACKAGE = '@meshparts/split';
