// A real OpenID Connect provider for the tests (npm's oauth2-mock-server), with a small
// control server beside it that says who signs in next.
//
//   node provider.mjs [PORT [CONTROL_PORT]]
//                                (free ports when not given) prints one line of JSON once both
//                                listen:
//                                {"issuer": "http://127.0.0.1:N", "control": "http://127.0.0.1:M"}
//   POST {control}/user          JSON claims of whoever signs in next, e.g.
//                                {"sub": "alice-1", "preferred_username": "alice"}
//   POST {control}/refuse        the next sign-in is refused (error=access_denied)
//
// The provider sends the browser straight back with a code (no login form); each code, and
// then its access token, carries the claims that were current when it was issued.
import http from 'node:http';
import { OAuth2Server } from 'oauth2-mock-server';

const [port = 0, controlPort = 0] = process.argv.slice(2).map(Number);
const provider = new OAuth2Server();
await provider.issuer.keys.generate('RS256');
await provider.start(port, '127.0.0.1');
const issuer = `http://127.0.0.1:${provider.address().port}`;
provider.issuer.url = issuer;

let nextClaims = { sub: 'johndoe', preferred_username: 'johndoe' };
let refuseNext = false;
const claimsByCode = new Map();
const claimsByToken = new Map();

provider.service.on('beforeAuthorizeRedirect', ({ url }) => {
  if (refuseNext) {
    refuseNext = false;
    url.searchParams.delete('code');
    url.searchParams.set('error', 'access_denied');
    url.searchParams.set('error_description', 'The user said no');
    return;
  }
  claimsByCode.set(url.searchParams.get('code'), nextClaims);
});
provider.service.on('beforeResponse', (response, req) => {
  const claims = claimsByCode.get(req.body.code);
  if (claims && response.body.access_token) claimsByToken.set(response.body.access_token, claims);
});
provider.service.on('beforeUserinfo', (response, req) => {
  const token = (req.headers.authorization || '').replace(/^Bearer /, '');
  const claims = claimsByToken.get(token);
  if (claims) {
    response.body = claims;
  } else {
    response.statusCode = 401;
    response.body = { error: 'invalid_token' };
  }
});

const control = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => { body += chunk; });
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/user') {
      nextClaims = JSON.parse(body);
    } else if (req.method === 'POST' && req.url === '/refuse') {
      refuseNext = true;
    } else {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(204).end();
  });
});
control.listen(controlPort, '127.0.0.1', () => {
  const controlUrl = `http://127.0.0.1:${control.address().port}`;
  console.log(JSON.stringify({ issuer, control: controlUrl }));
});

const stop = async () => {
  control.close();
  await provider.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// A test harness that holds our stdin stops us by closing it (even when it is killed).
if (!process.stdin.isTTY && process.env.OAUTH_PROVIDER_DETACHED !== '1') {
  process.stdin.on('end', stop);
  process.stdin.resume();
}
