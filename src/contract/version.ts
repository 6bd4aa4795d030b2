/** Kept equal to package.json#version by a unit test. */
export const SDK_VERSION = '0.1.0';
export const SDK_NAME = `aicado-embed/${SDK_VERSION}`;
