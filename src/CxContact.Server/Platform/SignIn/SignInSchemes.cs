namespace CxContact.Server.Platform.SignIn;

/// <summary>Authentication scheme and cookie names of sign-in for people.</summary>
public static class SignInSchemes
{
    /// <summary>Picks the scheme per request: a key when an Authorization header is sent, else the session cookie.</summary>
    public const string Default = "cxc";
    public const string Session = "Session";
    public const string Oidc = "Oidc";

    /// <summary>
    /// The session cookie. __Host-: the browser accepts it only when Secure, for this host and path /, so no sibling
    /// subdomain can plant or shadow it.
    /// </summary>
    public const string SessionCookie = "__Host-cxc-session";
    /// <summary>
    /// The antiforgery cookie: Secure whenever the request is https (always in production, where CXC_PUBLIC_URL or TLS on
    /// the server makes it so). Not a credential: its token only validates together with a request token bound to the
    /// signed-in person, so a planted one does not help a forger.
    /// </summary>
    public const string AntiforgeryCookie = "cxc-af";
    public const string AntiforgeryHeader = "X-XSRF-TOKEN";

    /// <summary>AuthenticationProperties items carried through the identity provider's round trip.</summary>
    public const string TenantItem = "cxc.tenant";
    public const string ReturnItem = "cxc.return";
}
