using System.Globalization;
using System.Threading.RateLimiting;
using CxContact.Server.Platform.Auth;
using CxContact.Server.Platform.Hosting;
using Microsoft.AspNetCore.RateLimiting;

namespace CxContact.Server.Api;

/// <summary>
/// Fair sharing of the API: token buckets per API key and per tenant (both must have a token), so one noisy key or
/// tenant cannot starve the others. Over the limit: 429 problem details with Retry-After. Anonymous requests (health,
/// the console's files, Kannel's callbacks with their own secret) are not counted. The buckets are per silo: with N
/// api silos behind a load balancer a tenant gets about N times the figure, which is a ceiling, not a promise.
/// </summary>
public static class RequestLimits
{
    public static void AddCxRequestLimits(this IServiceCollection services, PlatformSettings settings)
    {
        var perKey = settings.RequestsPerSecondPerKey;
        var perTenant = settings.RequestsPerSecondPerTenant;
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, "key", c => c.KeyId.ToString(), perKey)),
                PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, "tenant", c => c.TenantId.ToString(), perTenant)));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                var http = context.HttpContext;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Results.Problem(statusCode: 429, title: "Too many requests",
                    detail: $"This key may make {perKey} requests a second, and its tenant {perTenant} (bursts of twice that); try again in {seconds} s.")
                    .ExecuteAsync(http);
            };
        });
    }

    private static RateLimitPartition<string> Partition(HttpContext http, string scope, Func<Caller, string> id, int perSecond)
    {
        if (http.User.Identity?.IsAuthenticated != true) return RateLimitPartition.GetNoLimiter("anonymous");
        return RateLimitPartition.GetTokenBucketLimiter($"{scope}:{id(Caller.From(http.User))}", _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perSecond * 2, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0, AutoReplenishment = true,
        });
    }
}
