using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace CxContact.Server.Platform.Health;

/// <summary>Ready only while Redis answers PING.</summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var rtt = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"PING {rtt.TotalMilliseconds:0.#} ms");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"Redis: {e.Message}");
        }
    }
}
