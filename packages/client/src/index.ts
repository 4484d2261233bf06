/**
 * @meshparts/client — a client for the 3D AI Studio API's Tripo mesh segmentation.
 * See README.md in this folder.
 */
export const CLIENT_PACKAGE = '@meshparts/client';
