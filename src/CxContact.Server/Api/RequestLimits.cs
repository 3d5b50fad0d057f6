using System.Globalization;
using System.Threading.RateLimiting;
using CxContact.Server.Platform.Auth;
using CxContact.Server.Platform.Hosting;
using CxContact.Server.Platform.Tenancy.Limits;
using Microsoft.AspNetCore.RateLimiting;

namespace CxContact.Server.Api;

/// <summary>
/// Fair sharing of the API: token buckets per API key and per tenant (both must have a token), so one noisy key or
/// tenant cannot starve the others. Over the limit: 429 problem details with Retry-After. Anonymous requests (health,
/// the console's files, Kannel's callbacks with their own secret) are not counted. The buckets are per silo: with N
/// api silos behind a load balancer a tenant gets about N times the figure, which is a ceiling, not a promise.
/// The figures are the tenant's own (tenant_limits) where a system admin set them, the platform's otherwise; a bucket is
/// keyed by its rate too, so a changed limit takes effect with a fresh bucket.
/// </summary>
public static class RequestLimits
{
    public static void AddCxRequestLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, "key", c => c.KeyId.ToString(), l => l.RequestsPerSecondPerKey)),
                PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, "tenant", c => c.TenantId.ToString(), l => l.RequestsPerSecondPerTenant)));
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                var http = context.HttpContext;
                var limits = (EffectiveLimits)http.Items[typeof(EffectiveLimits)]!;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Results.Problem(statusCode: 429, title: "Too many requests",
                    detail: $"This key may make {limits.RequestsPerSecondPerKey} requests a second, and its tenant {limits.RequestsPerSecondPerTenant} " +
                            $"(bursts of twice that); try again in {seconds} s.")
                    .ExecuteAsync(http);
            };
        });
    }

    /// <summary>Looks up the caller's tenant limits before the limiter runs (the limiter's partitioning cannot wait on I/O).</summary>
    public static IApplicationBuilder UseCxRequestLimits(this IApplicationBuilder app)
    {
        app.Use(async (http, next) =>
        {
            if (http.User.Identity?.IsAuthenticated == true)
                http.Items[typeof(EffectiveLimits)] = await http.RequestServices.GetRequiredService<TenantLimitsStore>()
                    .EffectiveAsync(Caller.From(http.User).TenantId, http.RequestAborted);
            await next(http);
        });
        return app.UseRateLimiter();
    }

    private static RateLimitPartition<string> Partition(HttpContext http, string scope, Func<Caller, string> id, Func<EffectiveLimits, int> rate)
    {
        if (http.User.Identity?.IsAuthenticated != true || http.Items[typeof(EffectiveLimits)] is not EffectiveLimits limits)
            return RateLimitPartition.GetNoLimiter("anonymous");
        var perSecond = rate(limits);
        return RateLimitPartition.GetTokenBucketLimiter($"{scope}:{id(Caller.From(http.User))}:{perSecond}", _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perSecond * 2, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0, AutoReplenishment = true,
        });
    }
}
