import { controlPlatformSetup } from '../platforms/control-platform-setup.ts';
import { registerPlatformSetup } from './platform-setup.ts';

/** The one place platform setups are registered for a CLI run: `run` imports this module before the first cell. */
registerPlatformSetup('control', controlPlatformSetup);
