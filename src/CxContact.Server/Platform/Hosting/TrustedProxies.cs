using Microsoft.AspNetCore.HttpOverrides;

namespace CxContact.Server.Platform.Hosting;

/// <summary>
/// Behind nginx or an ingress controller the connection comes from the proxy, and the client's address and scheme
/// (https where TLS ends at the ingress) arrive in X-Forwarded-For and X-Forwarded-Proto. Those headers are believed
/// only from the proxies in CXC_TRUSTED_PROXIES (addresses or CIDR networks); anyone else could write them. Unset keeps
/// ASP.NET Core's default, loopback only.
/// </summary>
public static class TrustedProxies
{
    public static void AddCxTrustedProxies(this IServiceCollection services, PlatformSettings settings) =>
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Two proxies in a row (ingress controller, then the chart's nginx) each add an address: walk back through
            // every trusted one to the first that is not, which is the client.
            o.ForwardLimit = null;
            if (settings.TrustedProxies is not { } networks) return;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var network in networks) o.KnownIPNetworks.Add(network);
        });
}
