// A real OpenID provider for the tests: oidc-provider (the certified reference implementation) on 127.0.0.1.
//
// node tests/oidc/provider.mjs SETTINGS.json — the settings name the issuer, the port, the clients, the accounts
// (login, password, claims) and, for the "signed by another key" case, publishJwksFrom: a discovery document that
// names another provider's keys while this one signs with its own. Each start makes a new RSA signing key.
// Its pages load nothing from outside (oidc-provider's own pages import a web font, so they are replaced here).
// Prints "listening <issuer>" once it accepts connections.

import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const settings = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = settings.accounts;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: settings.kid || 'signing-key', use: 'sig', alg: 'RS256' };

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title, body) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
body { font-family: Arial, sans-serif; background: #f3f2f1; margin: 0; }
header { background: #243a73; color: #fff; padding: 16px 32px; font-size: 20px; font-weight: bold; }
main { max-width: 420px; margin: 40px auto; background: #fff; padding: 24px 32px; border: 1px solid #b1b4b6; }
label { display: block; font-weight: bold; margin: 16px 0 4px; }
input { font-size: 18px; width: 100%; padding: 6px; box-sizing: border-box; border: 2px solid #0b0c0c; }
button { margin-top: 24px; font-size: 18px; padding: 8px 16px; background: #243a73; color: #fff; border: 0; }
.error { color: #d4351c; font-weight: bold; }
</style></head>
<body><header>Test council: sign in (oidc-provider on 127.0.0.1)</header><main>${body}</main></body></html>`;

const loginForm = (uid, clientId, error = '', login = '') => page('Sign in to your account', `
<h1>Sign in to your account</h1>
<p>to continue to <strong>${escape(clientId)}</strong></p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${escape(uid)}/login" autocomplete="off">
  <label for="login">Username</label><input id="login" name="login" value="${escape(login)}" required>
  <label for="password">Password</label><input id="password" name="password" type="password" required>
  <button type="submit">Sign in</button>
</form>`);

const configuration = {
  clients: settings.clients,
  jwks: { keys: [signingKey] },
  cookies: { keys: ['test-provider-cookie-key'] },
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email'],
  claims: {
    openid: ['sub', 'oid', 'tid', 'roles', 'groups'],
    email: ['email'],
    profile: ['name', 'preferred_username'],
  },
  conformIdTokenClaims: false, // the id token carries the claims asked for by scope, as Entra ID's does
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource(ctx, form) {
        ctx.body = page('Sign out', `<h1>Sign out of the test council?</h1>${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>`);
      },
      postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out', '<h1>You have signed out of the test council</h1>');
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Error', `<h1>Something went wrong</h1><pre>${escape(JSON.stringify(out, null, 2))}</pre>`);
  },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account.claims }; } };
  },
  // First-party clients: no consent screen, every scope asked for is granted.
  async loadExistingGrant(ctx) {
    const { client, session } = ctx.oidc;
    const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope('openid profile email');
    await grant.save();
    return grant;
  },
  ttl: {
    // A client named in codeTtlSeconds gets codes that expire that soon (the "expired code" case).
    AuthorizationCode: (ctx, code, client) => settings.codeTtlSeconds?.[client.clientId] ?? 60,
  },
};

const provider = new Provider(settings.issuer, configuration);

async function formBody(req) {
  let raw = '';
  for await (const chunk of req) raw += chunk;
  return new URLSearchParams(raw);
}

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/([\w-]+)(\/login)?$/);
  if (!match) {
    await next();
    if (settings.publishJwksFrom && ctx.path === '/.well-known/openid-configuration' && ctx.body) {
      ctx.body = { ...ctx.body, jwks_uri: settings.publishJwksFrom };
    }
    return;
  }
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  ctx.set('Cache-Control', 'no-store');
  ctx.type = 'html';
  if (ctx.method === 'GET' && !match[2]) {
    ctx.body = loginForm(details.uid, details.params.client_id);
    return;
  }
  if (ctx.method !== 'POST' || !match[2]) ctx.throw(405);
  const form = await formBody(ctx.req);
  const login = form.get('login') || '';
  const account = accounts[login];
  if (!account || account.password !== form.get('password')) {
    ctx.status = 400;
    ctx.body = loginForm(details.uid, details.params.client_id, 'Enter a correct username and password', login);
    return;
  }
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: login } }, {
    mergeWithLastSubmission: false,
  });
  ctx.redirect(returnTo);
});

http.createServer(provider.callback()).listen(settings.port, '127.0.0.1', () => {
  console.log(`listening ${settings.issuer}`);
});
