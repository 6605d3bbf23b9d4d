/** Self-Heal's version: package.json's, inlined by the bundler, so `--version`, reports and the package never disagree. */
import { version } from '../../package.json';

export const VERSION: string = version;
