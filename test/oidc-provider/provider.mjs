// A real OpenID Connect provider for the sign-in tests (oidc-provider, pinned in package.json); never part of the product.
// The login name decides who someone is: "alice:cx-admins,cx-viewers" signs in as "alice" in the groups cx-admins and
// cx-viewers, so a test makes the person it needs by typing a name. Consent is granted at once (a first-party client).
//
// Environment: PORT, CLIENT_ID and CLIENT_SECRET. Every test server listens on a port of its own, so the client takes
// any loopback server's /auth/callback (and its / after signing out), which a real registration would list one by one.
import http from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const loopback = (path) => (uri) => new RegExp(`^http://(127\\.0\\.0\\.1|localhost):\\d+${path}$`).test(uri);

function account(login) {
  const [name, groups = ''] = login.split(':');
  return {
    accountId: login,
    async claims() {
      return { sub: login, name, email: `${name}@example.test`, groups: groups.split(',').filter(Boolean) };
    },
  };
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: ['http://127.0.0.1/auth/callback'],
    post_logout_redirect_uris: ['http://127.0.0.1/'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  findAccount: (ctx, id) => account(id),
  // groups is a scope of its own, as some providers have it: the server must ask for it (CXC_OIDC_SCOPES).
  claims: { openid: ['sub'], profile: ['name'], email: ['email'], groups: ['groups'] },
  scopes: ['openid', 'profile', 'email', 'groups'],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ['cxc-test-only-cookie-key'] },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email groups');
    await grant.save();
    return grant;
  },
});

provider.Client.prototype.redirectUriAllowed = loopback('/auth/callback');
provider.Client.prototype.postLogoutRedirectUriAllowed = loopback('/');

http.createServer(provider.callback()).listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
