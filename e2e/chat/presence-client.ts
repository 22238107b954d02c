// A client as its own process, so a test can SIGKILL it mid-session: it opens
// the live connection with the token it is given, says "live" and waits.
import { WebSocket } from 'ws';
import { MetaChat } from '../../services/sdk/index.js';

const [baseUrl, accessToken, room] = process.argv.slice(2) as [string, string, string];
const client = new MetaChat({ baseUrl, WebSocket: WebSocket as never });
client.tokens = { accessToken, accessTokenExpiresAt: 0, refreshToken: '', refreshTokenExpiresAt: 0 };
const live = client.events({ [room]: 0 }, { heartbeatMs: 500 });
await live.subscribed;
process.stdout.write('live\n');
setInterval(() => undefined, 60_000);
