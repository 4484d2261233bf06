/** Sent in the User-Agent header. Kept in step with package.json by hand (no JSON import at run time). */
export const CLIENT_VERSION = '0.1.0';
