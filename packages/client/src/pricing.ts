/**
 * What one Tripo mesh segmentation costs, in credits (API-NOTES.md): deducted at submission and
 * refunded by the provider when the task fails. The one place the price is written: the CLI's plans,
 * messages and credit caps, and the emulator's default, all read it from here.
 */
export const SEGMENTATION_CREDITS = 80;
