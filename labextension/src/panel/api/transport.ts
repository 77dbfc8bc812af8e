// The transport of the API client inside JupyterLab: ServerConnection adds the base URL,
// the token and the XSRF header.

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';
import type { Transport } from './client.js';

export function serverTransport(settings: ServerConnection.ISettings = ServerConnection.makeSettings()): Transport {
  const base = URLExt.join(settings.baseUrl, 'mlm/api/');
  return (path, init) => ServerConnection.makeRequest(base + path, init, settings);
}
