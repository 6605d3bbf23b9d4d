/** The Log port as the one "Self-Heal" LogOutputChannel (levels are the user's to choose). */
import type * as vscode from 'vscode';
import type { Log } from '../../core/ports';

export function channelLog(channel: vscode.LogOutputChannel): Log {
  return {
    debug: (message) => channel.debug(message),
    info: (message) => channel.info(message),
    warn: (message) => channel.warn(message),
    error: (message) => channel.error(message),
  };
}
