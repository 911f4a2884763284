/** The one place platform setups are registered for a CLI run: `run` imports this module before the first cell.
 *  Add a line per platform, e.g.
 *    registerPlatformSetup('control', controlPlatformSetup);
 *  (the control platform's setup — local registry, self-built images, KBS double — belongs to issue 5). */
export {};
