/** @meshparts/client/testing — an emulator of the 3D AI Studio API for tests and offline work. */
export const TESTING_PACKAGE = '@meshparts/client/testing';
